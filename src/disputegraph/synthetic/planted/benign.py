# ruff: noqa: E501 - the zh/en narratives are kept as whole sentences
"""``benign_property_manager``: large but benign.

One property manager of a 12-building compound; 60 small property-management
and noise disputes over 160 days, 1-2 parties each, all closed within days with
satisfied follow-ups.
"""

from __future__ import annotations

from typing import Any

from disputegraph.schemas.enums import (
    Category,
    Channel,
    EmployerKind,
    PropertyKind,
    PropertyRelation,
    Status,
)
from disputegraph.synthetic.planted.planter import (
    HOT,
    Case,
    Loc,
    Planter,
    PStep,
    grid_intake,
    hotline_intake,
    settled,
    urban_loc,
)

__all__ = ["benign_manager"]

_N = 60
_TOPICS = ("停车位管理", "电梯维保", "绿化养护", "物业费调整", "垃圾清运", "门禁故障")


def _steps(k: int, mediator: str) -> tuple[Channel, list[PStep]]:
    """The ``k``-th dispute's channel and its quick, satisfied chain."""
    if k % 5 < 3:
        q = 1.2 + 1 + k % 4  # resolved within 2-5 days
        return HOT, hotline_intake(settled(mediator, 1.2, q))
    q = 0.5 + 1 + k % 4
    return Channel.GRID_REPORT, grid_intake(settled("cmc", 0.5, q, "sgc"), signed=0.5)


def _dispute(
    p: Planter, loc: Loc, k: int, xq: str, blds: list[str], mgr: str, people: list[str]
) -> str:
    """The ``k``-th dispute: a noise quarrel between two residents or a complaint about the
    manager (its people are added to ``people``)."""
    r = p.ts(8 + (k * 160) // _N, 9 + k % 9)
    noise = k % 5 in (1, 3)
    bld = blds[k % 12] if noise else blds[(k * 7) % 12]
    who = p.persons(1, loc)
    people += who
    channel, steps = _steps(k, "cmc" if noise else "cpmc")
    status = Status.RESOLVED if k % 4 else Status.CLOSED
    contacts = [(channel, 0.0, None if channel == Channel.GRID_REPORT else who[0])]
    if noise:
        other = p.persons(1, loc)
        people += other
        title = f"锦绣江南花园{(k % 12) + 1}幢楼上楼下噪音纠纷"
        category, amount, respondents, concerns = Category.NOISE, None, other, [xq, bld]
        text = "夜间噪音影响休息，经调解双方达成谅解。"
    else:
        title = f"锦绣江南花园业主反映{_TOPICS[k % 6]}问题"
        category, respondents, concerns = Category.PROPERTY_MANAGEMENT, [mgr], [xq]
        amount = None if k % 3 else 800 + 100 * (k % 7)
        text = "业主对物业服务提出意见，物业公司当场整改，业主满意。"
    did = p.plant(
        loc,
        Case(
            title=title,
            category=category,
            status=status,
            reported=r,
            channel=channel,
            headcount=2 if noise else 1,
            amount=amount,
            description=text,
            steps=steps,
            applicants=who,
            respondents=respondents,
            concerns=concerns,
            contacts=contacts,
        ),
    )
    if noise:  # both neighbours live in the building; a complaining owner owns a flat in it
        p.tie(who[0], bld, PropertyRelation.RESIDENT)
        p.tie(other[0], bld, PropertyRelation.RESIDENT)
    else:
        p.tie(who[0], bld, PropertyRelation.OWNER)
    return did


def benign_manager(p: Planter) -> dict[str, Any]:
    loc = urban_loc(p.city, 0, skip=2, nth=1)
    xq = p.prop(PropertyKind.RESIDENTIAL_COMMUNITY, "锦绣江南花园", loc, built=2012, coords=True)
    blds = [
        p.prop(PropertyKind.BUILDING, f"锦绣江南花园{k + 1}幢", loc, part_of=xq, built=2012)
        for k in range(12)
    ]
    mgr = p.employer("临江嘉禾物业服务有限公司", EmployerKind.PROPERTY_MANAGER, "物业管理", loc)
    p.tie(mgr, xq, PropertyRelation.MANAGER)
    people: list[str] = []
    disputes = [_dispute(p, loc, k, xq, blds, mgr, people) for k in range(_N)]
    return {
        "name": "benign_property_manager",
        "expect": "below_top3",
        "disputes": disputes,
        "members": [*disputes, *people, mgr, xq, *blds],
        "anchor": mgr,
        "description_zh": "锦绣江南花园（12幢）物业公司：半年内60起物业、噪音小纠纷，每起1-2人，均在数日内化解，"
        "回访满意——规模大但风险低。",
        "description_en": "One property manager of a 12-building compound: 60 small property-management and noise "
        "disputes over six months, 1-2 parties each, all resolved within days with satisfied "
        "follow-ups: large but benign.",
        "manager": mgr,
        "compound": xq,
    }
