# ruff: noqa: E501 - the zh/en narratives are kept as whole sentences
"""The two chains the chain analysis must flag: ``bounced_case`` (two cases returned back and
forth between the district housing bureau and urban management) and ``stalled_case`` (a
neighbour dispute at the street mediation committee long past its 30-day limit)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from disputegraph.schemas.enums import Action, Category, Channel, Status
from disputegraph.synthetic.planted.planter import (
    HOT,
    Case,
    Planter,
    PStep,
    grid_intake,
    urban_loc,
)
from disputegraph.synthetic.timing import DAY, iso_times

__all__ = ["bounced", "stalled"]

_WRONG = "wrong_jurisdiction"


@dataclass(frozen=True)
class _Bounce:
    """One bounced case: its row, its applicant's tags, the bureau that signs it first, the
    days it (then the other bureau, in turn) returns it with its note, and the days the
    applicant called the hotline."""

    title: str
    category: Category
    ago: int  # reported this many days before as_of …
    hour: int  # … at this hour
    description: str
    tags: list[str]
    first: str
    returns: list[tuple[int, str]]
    calls: list[int]


_BOUNCES = (
    _Bounce(
        "老旧小区外墙瓷砖脱落维修责任纠纷",
        Category.OLD_COMMUNITY_RENOVATION,
        48,
        10,
        "外墙瓷砖多次脱落砸坏车辆，住建与城管互相认为不属本单位职责。",
        ["elderly"],
        "chous",
        [(2, "属违法建设或市容管理，建议转城管"), (5, "属房屋维修范围，退回住建"), (9, "再次退回")],
        [0, 8, 20],
    ),
    _Bounce(
        "楼顶违章搭建雨棚漏水纠纷",
        Category.NEIGHBOR,
        30,
        15,
        "住户反映顶楼违建漏水，城管与住建互相退回。",
        [],
        "curb",
        [(1, "建议转住建"), (3, "退回城管")],
        [0, 10],
    ),
)


def _bounced_steps(first: str, returns: list[tuple[int, str]]) -> list[PStep]:
    """The hotline's intake, then ``first`` and the other bureau in turn: each signs the case
    and returns it (wrong jurisdiction, with the note) on the day given, and the next signs
    it a day later; the last one to sign still holds it."""
    bureaus = (first, "curb" if first == "chous" else "chous")
    steps: list[PStep] = [
        ("xhot", Action.RECEIVED, True, 0, 0.02, None, "", ""),
        ("xhot", Action.ASSIGNED, True, 0.02, 0.3, 1, "", ""),
    ]
    signed: float = 0.3
    for k, (day, note) in enumerate(returns):
        bureau = bureaus[k % 2]
        steps.append((bureau, Action.SIGNED, True, signed, day, 7, "", ""))
        steps.append((bureau, Action.RETURNED, True, day, day + 1, None, _WRONG, note))
        signed = day + 1
    steps.append((bureaus[len(returns) % 2], Action.SIGNED, True, signed, None, 7, "", ""))
    return steps


def bounced(p: Planter) -> dict[str, Any]:
    loc = urban_loc(p.city, 0, nth=1)
    disputes: list[str] = []
    applicants: list[str] = []
    for bounce in _BOUNCES:
        who = p.persons(1, loc, [bounce.tags])
        case = Case(
            title=bounce.title,
            category=bounce.category,
            status=Status.ACCEPTED,
            reported=p.ts(bounce.ago, bounce.hour),
            channel=HOT,
            headcount=1,
            description=bounce.description,
            steps=_bounced_steps(bounce.first, bounce.returns),
            applicants=who,
            contacts=[(HOT, day, who[0]) for day in bounce.calls],
        )
        disputes.append(p.plant(loc, case))
        applicants += who
    b1, b2 = disputes
    housing, urban = p.agency("chous", loc), p.agency("curb", loc)
    return {
        "name": "bounced_case",
        "expect": "flag",
        "expect_flags": ["bounced"],
        "disputes": [b1, b2],
        "members": [b1, b2, *applicants],
        "anchor": b1,
        "description_zh": "外墙脱落维修在区住建局与城管局之间来回退回（住建→城管→住建→城管），另一起违建漏水同样互相推诿。",
        "description_en": "A facade repair case returned back and forth between the housing bureau and urban "
        "management (A→B→A→B), and a second case bounced between the same two bureaus.",
        "bureaus": [housing, urban],
    }


def stalled(p: Planter) -> dict[str, Any]:
    loc = urban_loc(p.city, 0, skip=1, nth=1)
    a, b = p.persons(2, loc)
    r = p.ts(130, 10)
    s1 = p.plant(
        loc,
        Case(
            title="相邻房屋采光通风纠纷",
            category=Category.NEIGHBOR,
            status=Status.IN_MEDIATION,
            reported=r,
            channel=Channel.GRID_REPORT,
            headcount=2,
            description="一方加建阳光房影响邻居采光，交街道调委会调解后无进展。",
            steps=grid_intake(
                [
                    ("sgc", Action.ASSIGNED, True, 1, 2, None, "", ""),
                    ("smc", Action.MEDIATED, True, 2, None, 30, "", ""),
                ]
            ),
            applicants=[a],
            respondents=[b],
            contacts=[(Channel.GRID_REPORT, 0, None), (HOT, 60, a)],
        ),
    )
    started = r + 2 * DAY
    return {
        "name": "stalled_case",
        "expect": "flag",
        "expect_flags": ["overdue"],
        "disputes": [s1],
        "members": [s1, a, b],
        "anchor": s1,
        "description_zh": "一起邻里纠纷交街道人民调解委员会后128天无进展，远超30天调解期限。",
        "description_en": "A neighbour dispute sitting at the street mediation committee for 128 days with no "
        "progress, far past the 30-day mediation limit.",
        "stalled_agency": p.agency("smc", loc),
        "stalled_since": iso_times(np.array([started]))[0],
        "due_at": iso_times(np.array([started + 30 * DAY]))[0],
    }
