# ruff: noqa: E501 - the zh/en narratives are kept as whole sentences
"""The two chains the chain analysis must flag: ``bounced_case`` (two cases returned back and
forth between the district housing bureau and urban management) and ``stalled_case`` (a
neighbour dispute at the street mediation committee long past its 30-day limit)."""

from __future__ import annotations

from typing import Any

import numpy as np

from disputegraph.schemas.enums import Action, Category, Channel, PartyRole, Status
from disputegraph.synthetic.planted.planter import (
    HOT,
    Case,
    Planter,
    first_urban_street,
    loc_of_street,
)
from disputegraph.synthetic.timing import DAY, iso_times

__all__ = ["bounced", "stalled"]

_WRONG = "wrong_jurisdiction"


def bounced(p: Planter) -> dict[str, Any]:
    city = p.city
    loc = loc_of_street(city, first_urban_street(city, 0, 0), 1)
    a1 = p.persons(1, loc, [["elderly"]])
    b1 = p.plant(
        loc,
        Case(
            title="老旧小区外墙瓷砖脱落维修责任纠纷",
            category=Category.OLD_COMMUNITY_RENOVATION,
            status=Status.ACCEPTED,
            reported=p.ts(48, 10),
            channel=HOT,
            headcount=1,
            amount=None,
            description="外墙瓷砖多次脱落砸坏车辆，住建与城管互相认为不属本单位职责。",
            steps=[
                ("xhot", Action.RECEIVED, True, 0, 0.02, None, "", ""),
                ("xhot", Action.ASSIGNED, True, 0.02, 0.3, 1, "", ""),
                ("chous", Action.SIGNED, True, 0.3, 2, 7, "", ""),
                (
                    "chous",
                    Action.RETURNED,
                    True,
                    2,
                    3,
                    None,
                    _WRONG,
                    "属违法建设或市容管理，建议转城管",
                ),
                ("curb", Action.SIGNED, True, 3, 5, 7, "", ""),
                ("curb", Action.RETURNED, True, 5, 6, None, _WRONG, "属房屋维修范围，退回住建"),
                ("chous", Action.SIGNED, True, 6, 9, 7, "", ""),
                ("chous", Action.RETURNED, True, 9, 10, None, _WRONG, "再次退回"),
                ("curb", Action.SIGNED, True, 10, None, 7, "", ""),
            ],
            parties=[(PartyRole.APPLICANT, a1)],
            contacts=[(HOT, 0, a1[0]), (HOT, 8, a1[0]), (HOT, 20, a1[0])],
        ),
    )
    a2 = p.persons(1, loc)
    b2 = p.plant(
        loc,
        Case(
            title="楼顶违章搭建雨棚漏水纠纷",
            category=Category.NEIGHBOR,
            status=Status.ACCEPTED,
            reported=p.ts(30, 15),
            channel=HOT,
            headcount=1,
            amount=None,
            description="住户反映顶楼违建漏水，城管与住建互相退回。",
            steps=[
                ("xhot", Action.RECEIVED, True, 0, 0.02, None, "", ""),
                ("xhot", Action.ASSIGNED, True, 0.02, 0.3, 1, "", ""),
                ("curb", Action.SIGNED, True, 0.3, 1, 7, "", ""),
                ("curb", Action.RETURNED, True, 1, 2, None, _WRONG, "建议转住建"),
                ("chous", Action.SIGNED, True, 2, 3, 7, "", ""),
                ("chous", Action.RETURNED, True, 3, 4, None, _WRONG, "退回城管"),
                ("curb", Action.SIGNED, True, 4, None, 7, "", ""),
            ],
            parties=[(PartyRole.APPLICANT, a2)],
            contacts=[(HOT, 0, a2[0]), (HOT, 10, a2[0])],
        ),
    )
    housing, urban = p.agency("chous", loc), p.agency("curb", loc)
    return {
        "name": "bounced_case",
        "expect": "flag",
        "expect_flags": ["bounced"],
        "disputes": [b1, b2],
        "members": [b1, b2, *a1, *a2],
        "anchor": b1,
        "description_zh": "外墙脱落维修在区住建局与城管局之间来回退回（住建→城管→住建→城管），另一起违建漏水同样互相推诿。",
        "description_en": "A facade repair case returned back and forth between the housing bureau and urban "
        "management (A→B→A→B), and a second case bounced between the same two bureaus.",
        "bureaus": [housing, urban],
    }


def stalled(p: Planter) -> dict[str, Any]:
    city = p.city
    loc = loc_of_street(city, first_urban_street(city, 0, 1), 1)
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
            amount=None,
            description="一方加建阳光房影响邻居采光，交街道调委会调解后无进展。",
            steps=[
                ("gs", Action.RECEIVED, True, 0, 0.1, None, "", ""),
                ("rc", Action.SIGNED, True, 0.1, 1, 3, "", ""),
                ("sgc", Action.ASSIGNED, True, 1, 2, None, "", ""),
                ("smc", Action.MEDIATED, True, 2, None, 30, "", ""),
            ],
            parties=[(PartyRole.APPLICANT, [a]), (PartyRole.RESPONDENT, [b])],
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
