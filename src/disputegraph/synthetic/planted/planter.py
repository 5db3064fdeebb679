"""The planted patterns' writer: their own id range, rows appended column by column.

A pattern builds its cast (people, employers, properties and their ties) with
:class:`Planter`, describes each of its disputes as a :class:`Case`, and plants it
with :meth:`Planter.plant` (the dispute row, its hand-off steps, its parties, the
properties it concerns and its reports). The pieces that several chains share live
here too: the intakes (:func:`hotline_intake`, :func:`grid_intake`,
:func:`petition_intake`) and a mediation settled and closed (:func:`settled`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from disputegraph.schemas.enums import (
    Action,
    Category,
    Channel,
    EmployerKind,
    HandlingRole,
    LinkReason,
    PartyKind,
    PartyRole,
    PropertyKind,
    PropertyRelation,
    Status,
)
from disputegraph.synthetic.city import AGENCY_ROLES, City, Columns
from disputegraph.synthetic.names import credit_codes, id_numbers, person_names, phones
from disputegraph.synthetic.timing import DAY, iso_dates, iso_times, office

__all__ = [
    "HOT",
    "Case",
    "Contact",
    "Loc",
    "PStep",
    "Planter",
    "first_urban_street",
    "grid_intake",
    "hotline_intake",
    "loc_of_street",
    "petition_intake",
    "rural_streets",
    "settled",
    "urban_loc",
]

#: one hand-off step: role, action, lead?, start offset (days after the report),
#: end offset (None: still open), due (days after the start, None: none), outcome, note
PStep = tuple[str, Action, bool, float, float | None, float | None, str, str]
#: one contact: channel, days after the report, reporter (None: anonymous)
Contact = tuple[Channel, float, str | None]
HOT = Channel.HOTLINE_12345
_SOURCE = {
    Channel.HOTLINE_12345: "12345热线工单系统",
    Channel.GRID_REPORT: "基层治理四平台",
    Channel.PROACTIVE_SCREENING: "基层治理四平台",
    Channel.LABOUR_INSPECTION: "欠薪线索反映平台",
}


@dataclass
class Loc:
    district: int
    street: int
    comm: int
    grid: int


@dataclass(frozen=True, kw_only=True)
class Case:
    """One planted dispute: its row, its hand-off steps, who is in it (by role, each role
    in order), the properties it concerns and the contacts that reported it."""

    title: str
    category: Category
    status: Status
    reported: int
    channel: Channel
    headcount: int
    amount: int | None = None
    description: str
    steps: list[PStep]
    representatives: list[str] = field(default_factory=list)
    applicants: list[str] = field(default_factory=list)
    respondents: list[str] = field(default_factory=list)
    third_parties: list[str] = field(default_factory=list)
    concerns: list[str] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)

    @property
    def parties(self) -> list[tuple[PartyRole, list[str]]]:
        """Who is in the dispute, role by role, in the order their rows are written."""
        return [
            (PartyRole.REPRESENTATIVE, self.representatives),
            (PartyRole.APPLICANT, self.applicants),
            (PartyRole.RESPONDENT, self.respondents),
            (PartyRole.THIRD_PARTY, self.third_parties),
        ]


@dataclass
class Planter:
    city: City
    t0: int
    rng: np.random.Generator
    out: dict[str, Columns]
    n: dict[str, int] = field(default_factory=lambda: dict.fromkeys(("D", "P", "E", "PR", "R"), 0))
    used_names: set[str] = field(default_factory=set)

    @property
    def now(self) -> int:
        """18:00 on the ``as_of`` day (``t0`` is its start)."""
        return self.t0 + 18 * 3600

    def _id(self, prefix: str) -> str:
        self.n[prefix] += 1
        width = 8 if prefix != "R" else 9
        return f"{prefix}9{self.n[prefix]:0{width - 1}d}"

    def row(self, table: str, **values: Any) -> None:
        cols = self.out[table]
        for name in cols:
            v = values.get(name)
            cols[name].append("" if v is None else str(v))

    def agency(self, role: str, loc: Loc) -> str:
        level = AGENCY_ROLES[role][0]
        index = {
            "grid": loc.grid,
            "community": loc.comm,
            "street": loc.street,
            "district": loc.district,
        }
        return str(self.city.agency_of[role][index.get(level, 0)])

    def ts(self, days_ago: float, hour: float = 9.5) -> int:
        return int(self.t0 - int(days_ago) * DAY - DAY + hour * 3600)

    def date(self, days_ago: int) -> str:
        return iso_dates(np.array([self.t0 - days_ago * DAY]))[0]

    # ---- the cast ----------------------------------------------------------

    def persons(
        self, count: int, loc: Loc, tags: list[list[str]] | None = None, home: str | None = None
    ) -> list[str]:
        tags = tags or [[] for _ in range(count)]
        names = person_names(self.rng, count)
        today = self.t0 // DAY
        births = np.array(
            [
                today - int(self.rng.integers(66 * 365, 86 * 365))
                if "elderly" in t
                else today - int(self.rng.integers(22 * 365, 55 * 365))
                for t in tags
            ],
            dtype=np.int64,
        )
        regions = [home or self.city.districts[loc.district][1] for _ in range(count)]
        if home is None and any("migrant_worker" in t for t in tags):
            pool = ("412723", "511323", "522121", "341222")
            regions = [
                pool[i % 4] if "migrant_worker" in t else self.city.districts[loc.district][1]
                for i, t in enumerate(tags)
            ]
        ids_ = id_numbers(self.rng, regions, births)
        tel = phones(self.rng, count)
        out = []
        for i in range(count):
            pid = self._id("P")
            self.row(
                "parties",
                id=pid,
                kind=PartyKind.PERSON,
                name=names[i],
                id_number=ids_[i],
                phone=tel[i],
                district=self.city.districts[loc.district][0],
                tags=";".join(tags[i]),
            )
            out.append(pid)
        return out

    def employer(
        self, name: str, kind: EmployerKind, industry: str, loc: Loc, head: str = "91"
    ) -> str:
        eid = self._id("E")
        code = credit_codes(self.rng, [self.city.districts[loc.district][1]], head)[0]
        self.used_names.add(name)
        self.row(
            "employers",
            id=eid,
            name=name,
            credit_code=code,
            kind=kind,
            industry=industry,
            district=self.city.districts[loc.district][0],
        )
        return eid

    def prop(
        self,
        kind: PropertyKind,
        name: str,
        loc: Loc,
        part_of: str = "",
        built: int | None = None,
        coords: bool = False,
    ) -> str:
        pid = self._id("PR")
        c = self.city
        lat = f"{c.comm_lat[loc.comm] + 0.006:.6f}" if coords else None
        lon = f"{c.comm_lon[loc.comm] + 0.006:.6f}" if coords else None
        self.row(
            "properties",
            id=pid,
            kind=kind,
            name=name,
            address=f"临江市{c.districts[loc.district][0]}{c.street_name[loc.street]}{name}",
            district=c.districts[loc.district][0],
            street=c.street_name[loc.street],
            grid=c.grid_name[loc.grid],
            built_year=built,
            lat=lat,
            lon=lon,
            part_of=part_of,
        )
        return pid

    def tie(self, sid: str, pid: str, relation: PropertyRelation) -> None:
        self.row("property_ties", stakeholder_id=sid, property_id=pid, relation=relation)

    # ---- the disputes ------------------------------------------------------

    def plant(self, loc: Loc, case: Case) -> str:
        """Write one case: the dispute and its steps, parties, properties and reports."""
        did = self._id("D")
        closed_at = self._handle(did, case.reported, case.steps, loc)
        assert case.status.is_open == (closed_at is None), (case.title, case.status)
        c = self.city
        channel = case.channel
        source = _SOURCE.get(channel, "信访信息系统" if channel.is_petition else "矛调中心登记系统")
        self.row(
            "disputes",
            id=did,
            title=case.title,
            category=case.category,
            status=case.status,
            reported_at=iso_times(np.array([case.reported]))[0],
            closed_at=iso_times(np.array([closed_at]))[0] if closed_at is not None else None,
            channel=channel,
            headcount=case.headcount,
            amount_yuan=case.amount,
            district=c.districts[loc.district][0],
            street=c.street_name[loc.street],
            grid=c.grid_name[loc.grid],
            description=case.description,
            source=source,
        )
        for role, ids in case.parties:
            for sid in ids:
                self.row("involvements", dispute_id=did, stakeholder_id=sid, role=role)
        for pid in case.concerns:
            self.row("dispute_properties", dispute_id=did, property_id=pid)
        self._reports(did, case.reported, case.contacts)
        return did

    def _handle(self, did: str, reported: int, steps: list[PStep], loc: Loc) -> int | None:
        """The ``handlings`` rows; the end of the last step when it closes the dispute."""
        last_end: int | None = None
        for seq, (role, action, lead, start, end, due, outcome, note) in enumerate(steps):
            s = office(reported + int(start * DAY))
            e = None if end is None else office(reported + int(end * DAY))
            assert s < self.now and (e is None or s <= e < self.now), (did, seq)
            self.row(
                "handlings",
                dispute_id=did,
                seq=seq,
                agency_id=self.agency(role, loc),
                action=action,
                started_at=iso_times(np.array([s]))[0],
                ended_at=None if e is None else iso_times(np.array([e]))[0],
                due_at=None if due is None else iso_times(np.array([s + int(due * DAY)]))[0],
                role=HandlingRole.LEAD if lead else HandlingRole.CO,
                outcome=outcome or None,
                note=note or None,
            )
            last_end = e
        final = steps[-1]
        return last_end if final[1] == Action.CLOSED else None

    def _reports(self, did: str, reported: int, contacts: list[Contact]) -> None:
        for channel, after, reporter in contacts:
            t = reported + int(after * DAY)
            assert t < self.t0
            self.row(
                "reports",
                id=self._id("R"),
                dispute_id=did,
                channel=channel,
                received_at=iso_times(np.array([t]))[0],
                reporter_id=reporter,
            )

    def link(self, later: str, earlier: str, reason: LinkReason) -> None:
        self.row("dispute_links", dispute_id=later, other_id=earlier, reason=reason)


def first_urban_street(city: City, district: int, skip: int = 0) -> int:
    cands = [
        s
        for s in range(len(city.street_name))
        if city.street_district[s] == district and not city.street_rural[s]
    ]
    return cands[min(skip, len(cands) - 1)]


def rural_streets(city: City) -> list[int]:
    """The city's rural streets, in their order."""
    return [s for s in range(len(city.street_name)) if city.street_rural[s]]


def loc_of_street(city: City, street: int, nth: int = 0) -> Loc:
    comms = np.flatnonzero(city.comm_street == street)
    c = int(comms[min(nth, len(comms) - 1)])
    return Loc(int(city.street_district[street]), street, c, int(city.comm_grid_start[c]))


def urban_loc(city: City, district: int, skip: int = 0, nth: int = 0) -> Loc:
    """The ``nth`` community of the urban street :func:`first_urban_street` picks."""
    return loc_of_street(city, first_urban_street(city, district, skip), nth)


def hotline_intake(after_sign: list[PStep]) -> list[PStep]:
    """The 12345 hotline's intake (received, assigned, signed by the street), then the rest."""
    return [
        ("xhot", Action.RECEIVED, True, 0, 0.02, None, "", ""),
        ("xhot", Action.ASSIGNED, True, 0.02, 0.4, 1, "", ""),
        ("sgov", Action.SIGNED, True, 0.4, 1.2, 7, "", ""),
        *after_sign,
    ]


def grid_intake(then: list[PStep], *, signed: float = 1) -> list[PStep]:
    """The grid's intake (received by the grid worker, signed by the village or residents'
    committee, which has 3 days, until day ``signed``), then the rest."""
    return [
        ("gs", Action.RECEIVED, True, 0, 0.1, None, "", ""),
        ("rc", Action.SIGNED, True, 0.1, signed, 3, "", ""),
        *then,
    ]


def settled(mediator: str, start: float, q: float, owner: str = "xhot") -> list[PStep]:
    """Mediated by ``mediator`` from day ``start`` (30 days' limit) to an agreement on day
    ``q``, resolved, then followed up (satisfied) and closed by ``owner``."""
    return [
        (mediator, Action.MEDIATED, True, start, q, 30, "agreement", ""),
        (mediator, Action.RESOLVED, True, q, q + 0.2, None, "agreement", ""),
        (owner, Action.FOLLOWED_UP, True, q + 0.3, q + 0.5, None, "satisfied", ""),
        (owner, Action.CLOSED, True, q + 0.5, q + 0.6, None, "", ""),
    ]


def petition_intake(then: list[PStep], note: str = "", *, received: int = 1) -> list[PStep]:
    """The county petition bureau's intake (received within its 15-day limit after
    ``received`` days, accepted with the 60-day handling limit, assigned a day later),
    then the rest, from day ``received + 2``."""
    return [
        ("cpet", Action.RECEIVED, True, 0, received, 15, "", note),
        ("cpet", Action.ACCEPTED, True, received, received + 1, 60, "", ""),
        ("cpet", Action.ASSIGNED, True, received + 1, received + 2, None, "", ""),
        *then,
    ]
