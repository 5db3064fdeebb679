# ruff: noqa: E501 - the zh/en narratives are kept as whole sentences
"""``land_rent_village``: land-rent arrears in one village.

14 parcels of the village leased to one cooperative; 18 villagers (mostly
elderly) in 6 open land-transfer disputes within 55 days, 2 of them petitions.
"""

from __future__ import annotations

from typing import Any

from disputegraph.schemas.enums import (
    Action,
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
    Contact,
    Planter,
    PStep,
    grid_intake,
    hotline_intake,
    loc_of_street,
    petition_intake,
    rural_streets,
)

__all__ = ["land_village"]

#: days ago, channel, status, villagers (indices), parcels (indices), amount
_SPECS: tuple[tuple[int, Channel, Status, list[int], list[int], int | None], ...] = (
    (55, Channel.GRID_REPORT, Status.IN_MEDIATION, [0, 1, 2, 3], [0, 1, 2, 3], 46_000),
    (40, HOT, Status.ACCEPTED, [4, 5, 6], [4, 5, 6], 31_500),
    (26, Channel.PETITION_VISIT, Status.ACCEPTED, [7, 8, 9, 10, 11], [7, 8, 9, 10], 58_800),
    (18, HOT, Status.IN_MEDIATION, [12, 13], [11], 12_600),
    (10, Channel.PETITION_ONLINE, Status.REPORTED, [14, 15, 16], [12, 13], 22_400),
    (3, Channel.PROACTIVE_SCREENING, Status.REPORTED, [17, 0], [3, 0], None),
)


def land_village(p: Planter) -> dict[str, Any]:
    city = p.city
    street = min(rural_streets(city), key=lambda s: (city.street_district[s], s))
    loc = loc_of_street(city, street)
    village = p.prop(PropertyKind.VILLAGE, "桃源村", loc, coords=True)
    parcels = [
        p.prop(
            PropertyKind.LAND_PARCEL, f"桃源村{1 + k // 5}组{k % 5 + 1}号地块", loc, part_of=village
        )
        for k in range(14)
    ]
    coop = p.employer("临江绿源农业专业合作社", EmployerKind.COOPERATIVE, "农业", loc, head="93")
    for parcel in parcels:
        p.tie(coop, parcel, PropertyRelation.LESSEE)
    tags = [["elderly"] if i % 3 else ["elderly", "low_income"] for i in range(12)] + [
        [] for _ in range(6)
    ]
    order = p.rng.permutation(18).tolist()
    villagers = p.persons(18, loc, [tags[i] for i in order])
    for i, v in enumerate(villagers):
        p.tie(v, parcels[i % 14], PropertyRelation.OWNER)
    disputes = []
    petitions = []
    for k, (ago, channel, status, who, plots, amount) in enumerate(_SPECS):
        concerns = [parcels[j] for j in plots]
        if channel == Channel.PETITION_VISIT:  # the collective visit speaks for the whole village
            concerns.append(village)
        contacts: list[Contact] = [
            (channel, 0, None if channel == Channel.PROACTIVE_SCREENING else villagers[who[0]])
        ]
        contacts += [
            (HOT, min(ago - 1, 4 + 6 * j), villagers[who[j % len(who)]]) for j in range(1 + k % 3)
        ]
        case = Case(
            title=f"桃源村{len(who)}户村民与临江绿源农业专业合作社土地流转租金纠纷",
            category=Category.LAND_TRANSFER,
            status=status,
            reported=p.ts(ago, 9 + k),
            channel=channel,
            headcount=len(who),
            amount=amount,
            description="合作社承租村民承包地，已拖欠一至两年流转租金。",
            steps=_land_steps(channel, status),
            applicants=[villagers[i] for i in who],
            respondents=[coop],
            concerns=concerns,
            contacts=contacts,
        )
        did = p.plant(loc, case)
        disputes.append(did)
        if channel.is_petition:
            petitions.append(did)
    return {
        "name": "land_rent_village",
        "expect": "top3",
        "disputes": disputes,
        "members": [*disputes, *villagers, coop, village, *parcels],
        "anchor": coop,
        "description_zh": "桃源村14块承包地流转给临江绿源农业专业合作社，合作社拖欠租金，18户村民（多为老人）"
        "近两个月6起纠纷、2起信访，均未化解。",
        "description_en": "Land-rent arrears in one village: 14 parcels leased to one cooperative; 18 villagers "
        "(mostly elderly) in 6 open disputes over the last two months, 2 of them petitions.",
        "village": village,
        "parcels": parcels,
        "operator": coop,
        "villagers": villagers,
        "petitions": petitions,
        "amount_total": sum(s[5] or 0 for s in _SPECS),
    }


def _land_steps(channel: Channel, status: Status) -> list[PStep]:
    """The hand-off chain of one land-rent dispute (all still open)."""
    work: list[PStep] = [
        ("cagri", Action.MEDIATED, False, 3, 9, None, "", "农业农村局核实流转合同"),
        ("sgov", Action.MEDIATED, True, 9, None, 30, "", ""),
    ]
    if channel.is_petition:
        note = "集体访" if channel == Channel.PETITION_VISIT else ""
        if status == Status.REPORTED:
            return [("cpet", Action.RECEIVED, True, 0, None, 15, "", note)]
        return petition_intake([("sgov", Action.SIGNED, True, 3, None, 60, "", "")], note)
    if channel == HOT:
        if status == Status.ACCEPTED:
            return hotline_intake([("rc", Action.ACCEPTED, True, 1.2, None, None, "", "")])
        return hotline_intake([("rc", Action.ACCEPTED, True, 1.2, 3, None, "", ""), *work])
    if status == Status.REPORTED:
        return [("gs", Action.RECEIVED, True, 0, None, 3, "", "")]
    return grid_intake([("rc", Action.ACCEPTED, True, 1, 3, None, "", ""), *work])
