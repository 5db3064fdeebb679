# ruff: noqa: E501 - the zh/en narratives are kept as whole sentences
"""``elevator_building``: an elevator retrofit splitting one 1994 building.

7 upper-floor owners (mostly elderly) against 5 lower-floor owners in 6 disputes
over 165 days: repeat hotline calls, an online petition, a collective visit, a
failed mediation and an unsatisfied follow-up (rebound).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from disputegraph.schemas.enums import (
    Action,
    Category,
    Channel,
    LinkReason,
    PropertyKind,
    PropertyRelation,
    Status,
)
from disputegraph.synthetic.planted.planter import (
    HOT,
    Case,
    Loc,
    Planter,
    grid_intake,
    hotline_intake,
    petition_intake,
    urban_loc,
)

__all__ = ["elevator"]


@dataclass(frozen=True)
class _Cast:
    loc: Loc
    xq: str
    bld: str
    u1: str
    u2: str
    upper: list[str]
    lower: list[str]


def _cast(p: Planter) -> _Cast:
    """The compound, the building and its two units; the owners and their units."""
    loc = urban_loc(p.city, 0)
    xq = p.prop(PropertyKind.RESIDENTIAL_COMMUNITY, "丹桂苑小区", loc, built=1994, coords=True)
    bld = p.prop(PropertyKind.BUILDING, "丹桂苑3幢", loc, part_of=xq, built=1994)
    u1 = p.prop(PropertyKind.UNIT, "丹桂苑3幢1单元", loc, part_of=bld, built=1994)
    u2 = p.prop(PropertyKind.UNIT, "丹桂苑3幢2单元", loc, part_of=bld, built=1994)
    upper_tags = [
        ["elderly"],
        ["elderly"],
        ["elderly", "repeat_petitioner"],
        ["elderly", "disabled"],
        [],
        ["elderly"],
        ["elderly", "low_income"],
    ]
    upper = p.persons(7, loc, upper_tags)
    lower = p.persons(5, loc, [[], [], ["elderly"], [], []])
    for i, pid in enumerate(upper):
        p.tie(pid, u1 if i < 4 else u2, PropertyRelation.OWNER)
    for i, pid in enumerate(lower):
        p.tie(pid, u1 if i < 3 else u2, PropertyRelation.OWNER)
    return _Cast(loc, xq, bld, u1, u2, upper, lower)


def _failed_mediation(p: Planter, c: _Cast) -> Case:
    """E1: grid report, community mediation failed."""
    upper = c.upper
    return Case(
        title="丹桂苑3幢1单元加装电梯纠纷",
        category=Category.ELEVATOR_RETROFIT,
        status=Status.FAILED,
        reported=p.ts(165, 10),
        channel=Channel.GRID_REPORT,
        headcount=7,
        description="4-6楼老年住户申请加装电梯，1-2楼住户以采光、噪音为由反对。",
        steps=grid_intake(
            [("cmc", Action.MEDIATED, True, 1, 35, 30, "failed", "三次调解未达成一致")]
        ),
        applicants=upper[:4],
        respondents=c.lower[:3],
        concerns=[c.bld, c.u1],
        contacts=[(Channel.GRID_REPORT, 0, None), (HOT, 20, upper[0]), (HOT, 50, upper[2])],
    )


def _rebound(p: Planter, c: _Cast) -> Case:
    """E2: hotline, resolved, then an unsatisfied follow-up and a reopened case (rebound)."""
    upper = c.upper
    return Case(
        title="丹桂苑3幢2单元加装电梯协商纠纷",
        category=Category.ELEVATOR_RETROFIT,
        status=Status.REBOUNDED,
        reported=p.ts(120, 15),
        channel=HOT,
        headcount=5,
        description="曾达成补偿协议，低层住户事后反悔，施工无法推进。",
        steps=hotline_intake(
            [
                ("sgov", Action.ACCEPTED, True, 1.2, 3, None, "", ""),
                ("chous", Action.MEDIATED, False, 3, 10, None, "", ""),
                ("cmc", Action.MEDIATED, True, 10, 25, 30, "agreement", ""),
                ("cmc", Action.RESOLVED, True, 25, 26, None, "agreement", ""),
                ("xhot", Action.FOLLOWED_UP, True, 40, 41, None, "unsatisfied", "低层住户反悔"),
                ("sgc", Action.RECEIVED, True, 41, None, 30, "", "重新受理"),
            ]
        ),
        applicants=upper[4:],
        respondents=c.lower[3:],
        concerns=[c.bld, c.u2],
        contacts=[
            (HOT, 0, upper[4]),
            (HOT, 30, upper[5]),
            (HOT, 42, upper[4]),
            (HOT, 60, upper[6]),
            (Channel.WALK_IN, 80, upper[4]),
        ],
    )


def _whole_building(p: Planter, c: _Cast) -> Case:
    """E3: the whole building, still in mediation."""
    upper, lower = c.upper, c.lower
    return Case(
        title="丹桂苑3幢加装电梯意见分歧",
        category=Category.ELEVATOR_RETROFIT,
        status=Status.IN_MEDIATION,
        reported=p.ts(70, 9),
        channel=HOT,
        headcount=5,
        description="高层住户多次来电，要求街道协调低层住户签字。",
        steps=hotline_intake(
            [
                ("sgov", Action.ACCEPTED, True, 1.2, 3, None, "", ""),
                ("chous", Action.MEDIATED, False, 3, 12, None, "", ""),
                ("cmc", Action.MEDIATED, True, 12, None, 30, "", ""),
            ]
        ),
        applicants=[upper[0], upper[1], upper[4]],
        respondents=[lower[0], lower[3]],
        concerns=[c.bld],
        contacts=[
            (HOT, 0, upper[0]),
            (HOT, 9, upper[1]),
            (HOT, 21, upper[0]),
            (HOT, 33, upper[4]),
            (HOT, 47, upper[0]),
            (Channel.WALK_IN, 60, upper[1]),
        ],
    )


def _online_petition(p: Planter, c: _Cast) -> Case:
    """E4: an online petition by the repeat petitioner."""
    petitioner = c.upper[2]
    return Case(
        title="丹桂苑3幢住户网上信访反映加装电梯受阻",
        category=Category.ELEVATOR_RETROFIT,
        status=Status.ACCEPTED,
        reported=p.ts(28, 20),
        channel=Channel.PETITION_ONLINE,
        headcount=3,
        description="反映街道协调不力，要求上级督促。",
        steps=petition_intake([("sgov", Action.SIGNED, True, 4, None, 60, "", "")], received=2),
        applicants=[petitioner],
        respondents=[c.lower[1], c.lower[2]],
        concerns=[c.bld, c.xq],  # the petition names the compound as well
        contacts=[
            (Channel.PETITION_ONLINE, 0, petitioner),
            (HOT, 7, petitioner),
            (Channel.PETITION_ONLINE, 18, petitioner),
        ],
    )


def _obstruction(p: Planter, c: _Cast) -> Case:
    """E5: newly reported obstruction of the works."""
    applicant = c.upper[5]
    return Case(
        title="丹桂苑3幢低层住户阻挠电梯施工",
        category=Category.ELEVATOR_RETROFIT,
        status=Status.REPORTED,
        reported=p.ts(9, 11),
        channel=HOT,
        headcount=2,
        description="施工队进场后低层住户阻拦，双方发生口角。",
        steps=hotline_intake([]),
        applicants=[applicant],
        respondents=[c.lower[4]],
        concerns=[c.bld, c.u2],
        contacts=[(HOT, 0, applicant), (Channel.POLICE_110, 0.2, applicant)],
    )


def _county_visit(p: Planter, c: _Cast) -> Case:
    """E6: the elderly upper-floor owners visit the county petition bureau together."""
    upper = c.upper
    visitors = [upper[0], upper[3], upper[5], upper[6]]
    return Case(
        title="丹桂苑3幢高层老年住户集体到区信访局反映加装电梯受阻",
        category=Category.ELEVATOR_RETROFIT,
        status=Status.ACCEPTED,
        reported=p.ts(16, 9),
        channel=Channel.PETITION_VISIT,
        headcount=6,
        description="4名高龄住户集体来访，称低层住户阻挠施工，要求政府协调。",
        steps=petition_intake([("sgov", Action.SIGNED, True, 3, None, 60, "", "")], "集体访"),
        applicants=visitors,
        respondents=[c.lower[0], c.lower[3]],
        concerns=[c.bld],
        contacts=[
            (Channel.PETITION_VISIT, 0, upper[0]),
            (HOT, 5, upper[3]),
            (HOT, 11, upper[0]),
        ],
    )


def elevator(p: Planter) -> dict[str, Any]:
    c = _cast(p)
    cases = [
        _failed_mediation(p, c),
        _rebound(p, c),
        _whole_building(p, c),
        _online_petition(p, c),
        _obstruction(p, c),
        _county_visit(p, c),
    ]
    e1, e2, e3, e4, e5, e6 = d = [p.plant(c.loc, case) for case in cases]
    links = (
        (e3, e1, LinkReason.FOLLOW_UP),
        (e4, e3, LinkReason.FOLLOW_UP),
        (e5, e2, LinkReason.SAME_INCIDENT),
        (e6, e4, LinkReason.FOLLOW_UP),
    )
    for later, earlier, why in links:
        p.link(later, earlier, why)
    return {
        "name": "elevator_building",
        "expect": "top3",
        "disputes": d,
        "members": [*d, *c.upper, *c.lower, c.xq, c.bld, c.u1, c.u2],
        "anchor": c.bld,
        "description_zh": "丹桂苑3幢（1994年建）加装电梯：7户高层（多为老人）与5户低层住户对立，6起纠纷、"
        "反复来电、网上信访和集体访，调解失败1次，回访不满意后反弹。",
        "description_en": "Elevator retrofit splitting one 1994 building: 7 upper-floor (mostly elderly) owners "
        "against 5 lower-floor owners; 6 disputes, repeat hotline calls, an online petition, a collective visit, "
        "one failed mediation and an unsatisfied follow-up (rebound).",
        "building": c.bld,
        "compound": c.xq,
        "upper_floor": c.upper,
        "lower_floor": c.lower,
        "rebound_dispute": e2,
        "failed_dispute": e1,
    }
