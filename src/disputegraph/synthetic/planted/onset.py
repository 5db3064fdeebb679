"""Escalations with a known onset, and benign look-alikes, for the backtest.

Per category (wage arrears, elevator retrofit, land rent, property management)
two clusters start small and quiet and escalate at a planted *onset* date, and
one benign twin grows the same way but never escalates:

* before the onset an escalating cluster has three disputes of one person each
  (reported 42, 28 and 14 days before it, so the summed headcount stays under the
  group threshold of 5), all on one shared anchor (an employer, a building, a
  cooperative's parcels, a property manager); the warning signs grow with it:
  more parties, the same people calling the hotline again every eight days, and a
  hand-off step left open past its due date (overdue);
* at the onset a collective (or skip-level) petition of 9–26 people is filed on
  the anchor and the first dispute gets a 110 call: the cluster is escalated
  (petition channel, police call, headcount over the threshold); everything is
  resolved within two weeks of the onset;
* a benign twin has four one-person disputes on its own anchor, 14 days apart,
  the same category and amounts, each open for 12–18 days but mediated within its
  time limit, settled with a satisfied follow-up, one contact each: it grows (and
  is open, with money at stake) but never escalates.

The records go to ``_planted.json`` (``escalations``) and ``truth/escalations.csv``
(:data:`TRUTH_COLUMNS`): cluster key, category, onset date (empty for a twin),
benign flag, the disputes and the anchor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

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
    Loc,
    Planter,
    PStep,
    hotline_intake,
    loc_of_street,
    rural_streets,
    settled,
    urban_loc,
)
from disputegraph.synthetic.timing import iso_dates

__all__ = ["TRUTH_COLUMNS", "TRUTH_FILE", "onset_escalations", "truth_csv"]

TRUTH_FILE = "truth/escalations.csv"
TRUTH_COLUMNS = ("cluster_key", "category", "onset", "benign", "disputes", "anchor")
#: days before the onset at which the three quiet disputes are reported
_QUIET = (42, 28, 14)


@dataclass(frozen=True)
class _Kind:
    key: str
    category: Category
    title: str  # "{a}": the anchor's name
    quiet: str
    loud: str
    tag: str  # the vulnerable tag of the applicants
    amount: int | None  # yuan per quiet dispute
    handler: str  # the agency role that sits on the quiet disputes
    loud_channel: Channel
    loud_bureau: str  # the petition bureau's role (xpet: skip-level)
    heads: int  # headcount of the petition


_KINDS = (
    _Kind(
        "wage",
        Category.WAGE_ARREARS,
        "{a}拖欠工资",
        "工人反映被拖欠数月工资，多次催讨无果。",
        "工人集体到区信访局上访，并在工地门口聚集，拨打110。",
        "migrant_worker",
        46_000,
        "clab",
        Channel.PETITION_VISIT,
        "cpet",
        26,
    ),
    _Kind(
        "elevator",
        Category.ELEVATOR_RETROFIT,
        "{a}加装电梯纠纷",
        "高层老人申请加装电梯，低层住户反对，协商搁置。",
        "高层住户联名越级向市信访局来信，双方发生冲突，拨打110。",
        "elderly",
        None,
        "rc",
        Channel.PETITION_LETTER,
        "xpet",
        9,
    ),
    _Kind(
        "land",
        Category.LAND_TRANSFER,
        "{a}土地流转租金拖欠",
        "村民反映合作社拖欠土地流转租金。",
        "村民集体到区信访局上访，并阻挠合作社耕作，拨打110。",
        "elderly",
        32_000,
        "cagri",
        Channel.PETITION_VISIT,
        "cpet",
        18,
    ),
    _Kind(
        "property",
        Category.PROPERTY_MANAGEMENT,
        "{a}物业服务纠纷",
        "业主反映物业停水停电、公共收益不公开。",
        "业主集体到区信访局上访，与物业人员发生冲突，拨打110。",
        "",
        12_000,
        "cpmc",
        Channel.PETITION_VISIT,
        "cpet",
        22,
    ),
)
#: per category: the onsets (days before as_of) of its two escalations, and the first
#: report (days before as_of) of its benign twin
_ONSETS = {"wage": (112, 49), "elevator": (98, 42), "land": (84, 35), "property": (70, 28)}
_TWIN_START = {"wage": 130, "elevator": 116, "land": 102, "property": 88}
_ANCHORS = {
    "wage": ("临江{}建筑劳务有限公司", ("永固", "鼎盛", "安泰")),
    "elevator": ("{}苑", ("香樟", "紫荆", "银杏")),
    "land": ("临江{}种植专业合作社", ("丰禾", "稻香", "青禾")),
    "property": ("临江{}物业管理有限公司", ("安居", "怡佳", "祥和")),
}


@dataclass(frozen=True)
class _Anchor:
    name: str
    employer: str | None  # the respondent employer (wage, land, property)
    concerns: list[str]  # the properties every dispute concerns
    members: list[str]  # the anchor's own nodes (employer, properties)


def _anchor(p: Planter, kind: _Kind, no: int, loc: Loc) -> _Anchor:
    pattern, words = _ANCHORS[kind.key]
    name = pattern.format(words[no])
    if kind.key == "wage":
        e = p.employer(name, EmployerKind.LABOUR_TEAM, "建筑业", loc)
        return _Anchor(name, e, [], [e])
    if kind.key == "land":
        village = p.prop(PropertyKind.VILLAGE, f"{words[no]}村", loc)
        parcel = p.prop(PropertyKind.LAND_PARCEL, f"{words[no]}村2组地块", loc, part_of=village)
        e = p.employer(name, EmployerKind.COOPERATIVE, "农业", loc, head="93")
        p.tie(e, parcel, PropertyRelation.LESSEE)
        return _Anchor(name, e, [parcel], [e, parcel, village])
    if kind.key == "elevator":
        xq = p.prop(PropertyKind.RESIDENTIAL_COMMUNITY, f"{name}小区", loc, built=1996)
        bld = p.prop(PropertyKind.BUILDING, f"{name}2幢", loc, part_of=xq, built=1996)
        return _Anchor(f"{name}2幢", None, [bld], [bld, xq])
    xq = p.prop(PropertyKind.RESIDENTIAL_COMMUNITY, f"{words[no]}家园", loc, built=2008)
    e = p.employer(name, EmployerKind.PROPERTY_MANAGER, "物业管理", loc)
    p.tie(e, xq, PropertyRelation.MANAGER)
    return _Anchor(f"{words[no]}家园", e, [xq], [e, xq])


def _loc(p: Planter, kind: _Kind, no: int) -> Loc:
    city = p.city
    district = (1 + no + 2 * _KINDS.index(kind)) % len(city.districts)
    if kind.key == "land":
        rural = rural_streets(city)
        return loc_of_street(city, rural[(3 + no) % len(rural)])
    return urban_loc(city, district, skip=1 + no)


def _respondents(anchor: _Anchor, other: list[str]) -> list[str]:
    """The anchor's employer, or (an elevator's building has none) the other side."""
    return [anchor.employer] if anchor.employer else other


def _applicants(p: Planter, kind: _Kind, count: int, loc: Loc) -> list[str]:
    """``count`` people, each with the kind's vulnerable tag."""
    return p.persons(count, loc, [[kind.tag] if kind.tag else [] for _ in range(count)])


def _single(
    p: Planter,
    loc: Loc,
    kind: _Kind,
    anchor: _Anchor,
    who: str,
    others: list[str],
    *,
    reported: int,
    description: str,
    steps: list[PStep],
    contacts: list[Contact],
) -> str:
    """One person's hotline dispute on the anchor (an escalation's quiet one, or a twin's),
    closed in the end."""
    return p.plant(
        loc,
        Case(
            title=kind.title.format(a=anchor.name),
            category=kind.category,
            status=Status.CLOSED,
            reported=reported,
            channel=HOT,
            headcount=1,
            amount=kind.amount,
            description=description,
            steps=steps,
            applicants=[who],
            respondents=_respondents(anchor, others),
            concerns=anchor.concerns,
            contacts=contacts,
        ),
    )


def _quiet_steps(kind: _Kind, until: float) -> list[PStep]:
    """Signed, then left with the handler past its 10-day due date until ``until`` days
    after the report; resolved, followed up (satisfied) and closed after it."""
    return hotline_intake(
        [
            (kind.handler, Action.ACCEPTED, True, 1.2, 2, None, "", ""),
            (kind.handler, Action.MEDIATED, True, 2, until, 10, "", "多次协调未果"),
            (kind.handler, Action.RESOLVED, True, until, until + 1, None, "agreement", ""),
            ("xhot", Action.FOLLOWED_UP, True, until + 2, until + 2.2, None, "satisfied", ""),
            ("xhot", Action.CLOSED, True, until + 2.2, until + 2.3, None, "", ""),
        ]
    )


def _escalation(p: Planter, kind: _Kind, no: int) -> dict[str, Any]:
    loc = _loc(p, kind, no)
    onset = _ONSETS[kind.key][no]
    anchor = _anchor(p, kind, no, loc)
    applicants = _applicants(p, kind, 3, loc)
    others = p.persons(1, loc) if anchor.employer is None else []
    disputes = []
    for j, before in enumerate(_QUIET):
        who = applicants[j]
        calls: list[Contact] = [(HOT, float(d), who) for d in range(0, before, 8)]
        if j == 0:
            calls.append((Channel.POLICE_110, before + 0.3, who))
        quiet = _single(
            p,
            loc,
            kind,
            anchor,
            who,
            others,
            reported=p.ts(onset + before, 9 + j),
            description=kind.quiet,
            steps=_quiet_steps(kind, before + 9 + j),
            contacts=calls,
        )
        disputes.append(quiet)
    crowd = _applicants(p, kind, kind.heads - 3, loc)
    amount = None if kind.amount is None else kind.amount * kind.heads
    note = "集体访" if kind.loud_channel == Channel.PETITION_VISIT else "越级信访"
    disputes.append(
        p.plant(
            loc,
            Case(
                title=kind.title.format(a=anchor.name) + "（集体）",
                category=kind.category,
                status=Status.CLOSED,
                reported=p.ts(onset, 10),
                channel=kind.loud_channel,
                headcount=kind.heads,
                amount=amount,
                description=kind.loud,
                steps=[
                    (kind.loud_bureau, Action.RECEIVED, True, 0, 1, 15, "", note),
                    (kind.loud_bureau, Action.ASSIGNED, True, 1, 2, None, "", ""),
                    ("sgov", Action.MEDIATED, True, 2, 10, 30, "agreement", "领导包案"),
                    ("sgov", Action.RESOLVED, True, 10, 11, None, "agreement", ""),
                    ("sgc", Action.FOLLOWED_UP, True, 12, 12.5, None, "satisfied", ""),
                    ("sgc", Action.CLOSED, True, 12.5, 12.6, None, "", ""),
                ],
                applicants=[*applicants, *crowd],
                respondents=_respondents(anchor, others),
                concerns=anchor.concerns,
                contacts=[(kind.loud_channel, 0.0, applicants[0])],
            ),
        )
    )
    return _record(
        p,
        kind,
        f"{kind.key}_escalation_{no + 1}",
        disputes,
        anchor,
        [*applicants, *others, *crowd],
        onset,
    )


def _twin_steps(kind: _Kind, q: float) -> list[PStep]:
    """Mediated within its 30-day limit, settled after ``q`` days, followed up
    (satisfied) and closed."""
    accepted: PStep = (kind.handler, Action.ACCEPTED, True, 1.2, 2, None, "", "")
    return hotline_intake([accepted, *settled(kind.handler, 2, q)])


def _twin(p: Planter, kind: _Kind) -> dict[str, Any]:
    """Four one-person disputes on one anchor, 14 days apart, the same category and
    amounts as the escalations; each mediated within its limit and settled after
    12–18 days, one contact each."""
    loc = _loc(p, kind, 2)
    anchor = _anchor(p, kind, 2, loc)
    people = _applicants(p, kind, 4, loc)
    others = p.persons(1, loc) if anchor.employer is None else []
    start = _TWIN_START[kind.key]
    disputes = [
        _single(
            p,
            loc,
            kind,
            anchor,
            who,
            others,
            reported=p.ts(start - 14 * j, 10 + j),
            description="当事人反映问题，经调解达成协议，回访满意。",
            steps=_twin_steps(kind, 12 + 2 * j),
            contacts=[(HOT, 0.0, who)],
        )
        for j, who in enumerate(people)
    ]
    return _record(p, kind, f"{kind.key}_benign_twin", disputes, anchor, [*people, *others], None)


def _record(
    p: Planter,
    kind: _Kind,
    key: str,
    disputes: list[str],
    anchor: _Anchor,
    people: list[str],
    onset: int | None,
) -> dict[str, Any]:
    day = None if onset is None else iso_dates(np.array([p.ts(onset, 10)]))[0]
    return {
        "name": key,
        "expect": "benign_twin" if onset is None else "escalation",
        "category": kind.category.value,
        "onset": day,
        "benign": onset is None,
        "disputes": disputes,
        "members": [*disputes, *people, *anchor.members],
        "anchor": anchor.members[0],
    }


def onset_escalations(p: Planter) -> list[dict[str, Any]]:
    """Plant the escalations and their benign twins; their records (see the module doc)."""
    out = []
    for kind in _KINDS:
        out += [_escalation(p, kind, 0), _escalation(p, kind, 1), _twin(p, kind)]
    return out


def truth_csv(records: list[dict[str, Any]]) -> str:
    """``truth/escalations.csv``: one row per cluster, :data:`TRUTH_COLUMNS`."""
    lines = [",".join(TRUTH_COLUMNS)]
    for r in records:
        lines.append(
            ",".join(
                (
                    r["name"],
                    r["category"],
                    r["onset"] or "",
                    "1" if r["benign"] else "0",
                    ";".join(r["disputes"]),
                    r["anchor"],
                )
            )
        )
    return "\n".join(lines) + "\n"
