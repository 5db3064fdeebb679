# ruff: noqa: E501 - the zh/en narratives are kept as whole sentences
"""The planted patterns: small, fully specified situations the analytics must find.

They are built from their own seeded stream, with their own id range (``D9…``,
``P9…``, ``E9…``, ``PR9…``, ``R9…``) and their own properties, so they are the
same at every scale and never touch a background dispute, party, employer or
property (only the agencies are shared). See the package docstring for the list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from disputegraph.synthetic.city import AGENCY_ROLES, City, Columns
from disputegraph.synthetic.names import credit_codes, id_numbers, person_names, phones
from disputegraph.synthetic.timing import DAY, iso_dates, iso_times, office

__all__ = ["RESERVED_NAMES", "plant_patterns"]

#: employer names the planted patterns use; background employers never take them
RESERVED_NAMES = (
    "临江恒泰置业有限公司",
    "浙江宏达建筑工程有限公司",
    "临江鑫源建筑安装工程有限公司",
    "安徽瑞丰建筑劳务有限公司",
    "王建军木工班组",
    "临江绿源农业专业合作社",
    "临江嘉禾物业服务有限公司",
)

#: one hand-off step: role, action, lead?, start offset (days after the report),
#: end offset (None: still open), due (days after the start, None: none), outcome, note
PStep = tuple[str, str, bool, float, float | None, float | None, str, str]


@dataclass
class _Loc:
    district: int
    street: int
    comm: int
    grid: int


@dataclass
class _Planter:
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

    def agency(self, role: str, loc: _Loc) -> str:
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

    def persons(
        self, count: int, loc: _Loc, tags: list[list[str]] | None = None, home: str | None = None
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
                kind="person",
                name=names[i],
                id_number=ids_[i],
                phone=tel[i],
                district=self.city.districts[loc.district][0],
                tags=";".join(tags[i]),
            )
            out.append(pid)
        return out

    def employer(self, name: str, kind: str, industry: str, loc: _Loc, head: str = "91") -> str:
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
        kind: str,
        name: str,
        loc: _Loc,
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

    def dispute(
        self,
        loc: _Loc,
        *,
        title: str,
        category: str,
        status: str,
        reported: int,
        channel: str,
        headcount: int,
        amount: int | None,
        description: str,
        steps: list[PStep],
    ) -> str:
        did = self._id("D")
        closed_at = self.handle(did, reported, steps)
        is_closed = status in ("resolved", "closed", "withdrawn", "not_accepted")
        assert is_closed == (closed_at is not None), (title, status)
        c = self.city
        source = {
            "hotline_12345": "12345热线工单系统",
            "grid_report": "基层治理四平台",
            "proactive_screening": "基层治理四平台",
            "labour_inspection": "欠薪线索反映平台",
        }.get(channel, "信访信息系统" if channel.startswith("petition") else "矛调中心登记系统")
        self.row(
            "disputes",
            id=did,
            title=title,
            category=category,
            status=status,
            reported_at=iso_times(np.array([reported]))[0],
            closed_at=iso_times(np.array([closed_at]))[0] if closed_at is not None else None,
            channel=channel,
            headcount=headcount,
            amount_yuan=amount,
            district=c.districts[loc.district][0],
            street=c.street_name[loc.street],
            grid=c.grid_name[loc.grid],
            description=description,
            source=source,
        )
        return did

    def handle(self, did: str, reported: int, steps: list[PStep]) -> int | None:
        loc = self._loc
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
                role="lead" if lead else "co",
                outcome=outcome or None,
                note=note or None,
            )
            last_end = e
        final = steps[-1]
        return last_end if final[1] == "closed" else None

    _loc: _Loc = field(default_factory=lambda: _Loc(0, 0, 0, 0))

    def involve(self, did: str, ids: list[str], role: str) -> None:
        for sid in ids:
            self.row("involvements", dispute_id=did, stakeholder_id=sid, role=role)

    def concern(self, did: str, *pids: str) -> None:
        for pid in pids:
            self.row("dispute_properties", dispute_id=did, property_id=pid)

    def tie(self, sid: str, pid: str, relation: str) -> None:
        self.row("property_ties", stakeholder_id=sid, property_id=pid, relation=relation)

    def reports(
        self, did: str, reported: int, contacts: list[tuple[str, float, str | None]]
    ) -> None:
        """``contacts``: channel, days after the report, reporter."""
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

    def date(self, days_ago: int) -> str:
        return iso_dates(np.array([self.t0 - days_ago * DAY]))[0]


def _first_urban_street(city: City, district: int, skip: int = 0) -> int:
    cands = [
        s
        for s in range(len(city.street_name))
        if city.street_district[s] == district and not city.street_rural[s]
    ]
    return cands[min(skip, len(cands) - 1)]


def _loc_of_street(city: City, street: int, nth: int = 0) -> _Loc:
    comms = np.flatnonzero(city.comm_street == street)
    c = int(comms[min(nth, len(comms) - 1)])
    return _Loc(int(city.street_district[street]), street, c, int(city.comm_grid_start[c]))


def plant_patterns(
    city: City, seed: int, t0: int, out: dict[str, Columns], used_names: set[str]
) -> list[dict[str, Any]]:
    """Append every planted pattern's rows to ``out``; the pattern records for ``_planted.json``."""
    p = _Planter(city, t0, np.random.default_rng([seed, 909]), out, used_names=used_names)
    return [
        _wage_chain(p),
        _elevator(p),
        _land_village(p),
        _benign_manager(p),
        _bounced(p),
        _stalled(p),
    ]


HOT = "hotline_12345"


def _hotline_intake(after_sign: list[PStep]) -> list[PStep]:
    return [
        ("xhot", "received", True, 0, 0.02, None, "", ""),
        ("xhot", "assigned", True, 0.02, 0.4, 1, "", ""),
        ("sgov", "signed", True, 0.4, 1.2, 7, "", ""),
        *after_sign,
    ]


def _wage_chain(p: _Planter) -> dict[str, Any]:
    city = p.city
    street = _first_urban_street(city, 0, 1)
    loc = _loc_of_street(city, street)
    p._loc = loc
    sname = city.street_name[street].removesuffix("街道")
    dev = p.employer("临江恒泰置业有限公司", "developer", "房地产开发", loc)
    gc = p.employer("浙江宏达建筑工程有限公司", "general_contractor", "建筑施工", loc)
    sub = p.employer("临江鑫源建筑安装工程有限公司", "subcontractor", "建筑安装", loc)
    lt1 = p.employer("安徽瑞丰建筑劳务有限公司", "labour_team", "建筑劳务", loc)
    lt2 = p.employer("王建军木工班组", "labour_team", "建筑劳务", loc)
    project = p.prop("construction_project", f"{sname}人才公寓二期工程", loc, coords=True)
    p.tie(dev, project, "developer")
    for contractor, subc in ((dev, gc), (gc, sub), (sub, lt1), (sub, lt2)):
        p.row(
            "contracts",
            contractor_id=contractor,
            subcontractor_id=subc,
            project_id=project,
            since=p.date(430),
            until=None,
        )
    tags = [
        ["migrant_worker", "low_income"] if i % 9 == 4 else ["migrant_worker"] for i in range(28)
    ]
    workers = p.persons(28, loc, tags)
    team1, team2 = workers[:16], workers[16:]
    for w in team1:
        p.row("employments", party_id=w, employer_id=lt1, since=p.date(310), until=None)
    for i, w in enumerate(team2):
        p.row(
            "employments",
            party_id=w,
            employer_id=lt2,
            since=p.date(280),
            until=p.date(45) if i % 3 == 0 else None,
        )
    pname = f"{sname}人才公寓二期"
    disputes: list[str] = []
    amounts = {}
    # W1: team 1 via a labour-inspection lead; mediation failed, escalated to the county,
    # supervised by the city
    r = p.ts(41, 10)
    w1 = p.dispute(
        loc,
        title=f"{pname}项目{len(team1)}名农民工反映安徽瑞丰建筑劳务有限公司拖欠工资",
        category="wage_arrears",
        status="in_mediation",
        reported=r,
        channel="labour_inspection",
        headcount=16,
        amount=620_000,
        description="劳务公司以总包未拨付进度款为由拖欠16名工人工资约62万元。",
        steps=[
            ("clab", "received", True, 0, 0.2, None, "", ""),
            ("clab", "accepted", True, 0.2, 2, 60, "", ""),
            ("clab", "mediated", True, 2, 20, 60, "failed", "劳务公司称总包未付款"),
            ("cgc", "escalated", True, 20, 22, None, "", "涉及人数多，上报区矛调中心"),
            ("xgc", "supervised", True, 22, None, 60, "", "市社会治理中心挂牌督办"),
            ("clab", "mediated", True, 23, None, 30, "", ""),
        ],
    )
    p.involve(w1, team1[:1], "representative")
    p.involve(w1, team1[1:], "applicant")
    p.involve(w1, [lt1, sub], "respondent")
    p.involve(w1, [gc], "third_party")
    p.concern(w1, project)
    p.reports(
        w1,
        r,
        [
            ("labour_inspection", 0, team1[0]),
            (HOT, 6, team1[3]),
            (HOT, 15, team1[7]),
            ("petition_online", 24, team1[0]),
            (HOT, 33, team1[11]),
        ],
    )
    amounts[w1] = 620_000
    # W2: team 2 via the 12345 hotline
    r = p.ts(27, 14)
    w2 = p.dispute(
        loc,
        title=f"{pname}项目王建军木工班组12名工人讨要工资",
        category="wage_arrears",
        status="accepted",
        reported=r,
        channel=HOT,
        headcount=12,
        amount=480_000,
        description="木工班组12名工人反映工程完工后工资未结清。",
        steps=_hotline_intake([("clab", "accepted", True, 1.2, None, 60, "", "")]),
    )
    p.involve(w2, team2[:1], "representative")
    p.involve(w2, team2[1:], "applicant")
    p.involve(w2, [lt2, sub], "respondent")
    p.concern(w2, project)
    p.reports(
        w2,
        r,
        [
            (HOT, 0, team2[0]),
            (HOT, 4, team2[2]),
            (HOT, 11, team2[5]),
            ("petition_online", 20, team2[0]),
        ],
    )
    amounts[w2] = 480_000
    # W3: a collective visit to the county petition bureau (both teams)
    r = p.ts(19, 9)
    visitors = team1[2:7] + team2[1:5]
    w3 = p.dispute(
        loc,
        title="9名农民工到区信访局集体上访反映鑫源公司拖欠劳务费",
        category="wage_arrears",
        status="in_mediation",
        reported=r,
        channel="petition_visit",
        headcount=9,
        amount=390_000,
        description="两个班组工人代表集体来访，要求分包、总包单位支付劳务费。",
        steps=[
            ("cpet", "received", True, 0, 1, 15, "", "集体访"),
            ("cpet", "accepted", True, 1, 2, 60, "", ""),
            ("cpet", "assigned", True, 2, 3, None, "", ""),
            ("clab", "signed", True, 3, 4, None, "", ""),
            ("cgc", "escalated", True, 4, 5, None, "", ""),
            ("cplc", "supervised", True, 5, None, 60, "", "区委政法委督办"),
            ("clab", "mediated", True, 5, None, 30, "", ""),
        ],
    )
    p.involve(w3, visitors, "applicant")
    p.involve(w3, [sub, gc], "respondent")
    p.involve(w3, [dev], "third_party")
    p.concern(w3, project)
    p.reports(
        w3,
        r,
        [
            ("petition_visit", 0, visitors[0]),
            (HOT, 5, visitors[3]),
            ("petition_online", 12, visitors[6]),
        ],
    )
    amounts[w3] = 390_000
    # W4: a skip-level letter straight to the city petition bureau
    r = p.ts(12, 11)
    reps = [team1[0], team2[0], team1[8]]
    w4 = p.dispute(
        loc,
        title="农民工代表越级致信市信访局反映人才公寓二期项目欠薪",
        category="wage_arrears",
        status="accepted",
        reported=r,
        channel="petition_letter",
        headcount=28,
        amount=260_000,
        description="工人代表称总包单位截留进度款，要求开发商、总包垫付工资。",
        steps=[
            ("xpet", "received", True, 0, 3, 15, "", "越级信访"),
            ("xpet", "assigned", True, 3, 4, None, "", ""),
            ("cpet", "signed", True, 4, 5, 60, "", ""),
            ("clab", "accepted", True, 5, None, 60, "", ""),
        ],
    )
    p.involve(w4, reps, "representative")
    p.involve(w4, [gc, dev], "respondent")
    p.concern(w4, project)
    p.reports(w4, r, [("petition_letter", 0, reps[0]), ("petition_online", 6, reps[1])])
    amounts[w4] = 260_000
    # W5: one worker, resolved quickly
    r = p.ts(33, 16)
    w5 = p.dispute(
        loc,
        title=f"{pname}项目木工个人工资结算纠纷",
        category="wage_arrears",
        status="resolved",
        reported=r,
        channel=HOT,
        headcount=1,
        amount=38_000,
        description="个人工资差额，经调解班组长当场结清。",
        steps=_hotline_intake(
            [
                ("clab", "mediated", True, 1.2, 5, 60, "agreement", ""),
                ("clab", "resolved", True, 5, 5.5, None, "agreement", ""),
                ("xhot", "followed_up", True, 5.5, 6, None, "satisfied", ""),
                ("xhot", "closed", True, 6, 6.1, None, "", ""),
            ]
        ),
    )
    p.involve(w5, team2[7:8], "applicant")
    p.involve(w5, [lt2], "respondent")
    p.concern(w5, project)
    p.reports(w5, r, [(HOT, 0, team2[7])])
    amounts[w5] = 38_000
    # W6: the grid worker reports a gathering at the site
    r = p.ts(4, 8)
    gathered = [team1[9], team1[12], team2[3], team2[9]]
    w6 = p.dispute(
        loc,
        title=f"{pname}工地农民工聚集讨薪",
        category="wage_arrears",
        status="reported",
        reported=r,
        channel="grid_report",
        headcount=20,
        amount=None,
        description="约20名工人在项目部门口聚集讨薪，网格员现场劝导并上报。",
        steps=[
            ("gs", "received", True, 0, 0.1, None, "", ""),
            ("sgc", "signed", True, 0.1, None, 7, "", ""),
        ],
    )
    p.involve(w6, gathered, "applicant")
    p.involve(w6, [gc], "respondent")
    p.concern(w6, project)
    p.reports(w6, r, [("grid_report", 0, None), (HOT, 1, gathered[0])])
    disputes = [w1, w2, w3, w4, w5, w6]
    for a, b in ((w3, w1), (w6, w1), (w4, w3)):
        p.row("dispute_links", dispute_id=a, other_id=b, reason="same_incident")
    total = sum(amounts.values())
    return {
        "name": "wage_arrears_chain",
        "expect": "top3",
        "disputes": disputes,
        "members": [*disputes, *workers, dev, gc, sub, lt1, lt2, project],
        "anchor": gc,
        "description_zh": f"{pname}项目：开发商→总包→分包→两个劳务班组的4级分包链，28名农民工被拖欠工资"
        f"约{total / 10000:.0f}万元；春节前45天内6起欠薪纠纷、2起信访（1起越级到市）、逐级上报督办。",
        "description_en": f"Wage arrears along a 4-tier contractor chain (developer → general contractor → "
        f"subcontractor → two labour teams) on one project: 28 migrant workers owed "
        f"¥{total:,}, 6 disputes in the 45 days before the Spring Festival, 2 petitions "
        f"(one skip-level to the city), escalations up to county and city.",
        "siblings": disputes,
        "project": project,
        "chain": [dev, gc, sub, [lt1, lt2]],
        "chain_depth": 3,
        "contractors": [dev, gc, sub, lt1, lt2],
        "workers": workers,
        "amount_total": total,
        "petitions": [w3, w4],
        "skip_level_petition": w4,
        "open": [w1, w2, w3, w4, w6],
    }


def _elevator(p: _Planter) -> dict[str, Any]:
    city = p.city
    street = _first_urban_street(city, 0, 0)
    loc = _loc_of_street(city, street)
    p._loc = loc
    xq = p.prop("residential_community", "丹桂苑小区", loc, built=1994, coords=True)
    bld = p.prop("building", "丹桂苑3幢", loc, part_of=xq, built=1994)
    u1 = p.prop("unit", "丹桂苑3幢1单元", loc, part_of=bld, built=1994)
    u2 = p.prop("unit", "丹桂苑3幢2单元", loc, part_of=bld, built=1994)
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
        p.tie(pid, u1 if i < 4 else u2, "owner")
    for i, pid in enumerate(lower):
        p.tie(pid, u1 if i < 3 else u2, "owner")
    d: list[str] = []
    # E1: grid report, community mediation failed
    r = p.ts(165, 10)
    e1 = p.dispute(
        loc,
        title="丹桂苑3幢1单元加装电梯纠纷",
        category="elevator_retrofit",
        status="failed",
        reported=r,
        channel="grid_report",
        headcount=7,
        amount=None,
        description="4-6楼老年住户申请加装电梯，1-2楼住户以采光、噪音为由反对。",
        steps=[
            ("gs", "received", True, 0, 0.1, None, "", ""),
            ("rc", "signed", True, 0.1, 1, 3, "", ""),
            ("cmc", "mediated", True, 1, 35, 30, "failed", "三次调解未达成一致"),
        ],
    )
    p.involve(e1, upper[:4], "applicant")
    p.involve(e1, lower[:3], "respondent")
    p.concern(e1, bld, u1)
    p.reports(e1, r, [("grid_report", 0, None), (HOT, 20, upper[0]), (HOT, 50, upper[2])])
    # E2: hotline, resolved, then an unsatisfied follow-up and a reopened case (rebound)
    r = p.ts(120, 15)
    e2 = p.dispute(
        loc,
        title="丹桂苑3幢2单元加装电梯协商纠纷",
        category="elevator_retrofit",
        status="rebounded",
        reported=r,
        channel=HOT,
        headcount=5,
        amount=None,
        description="曾达成补偿协议，低层住户事后反悔，施工无法推进。",
        steps=_hotline_intake(
            [
                ("sgov", "accepted", True, 1.2, 3, None, "", ""),
                ("chous", "mediated", False, 3, 10, None, "", ""),
                ("cmc", "mediated", True, 10, 25, 30, "agreement", ""),
                ("cmc", "resolved", True, 25, 26, None, "agreement", ""),
                ("xhot", "followed_up", True, 40, 41, None, "unsatisfied", "低层住户反悔"),
                ("sgc", "received", True, 41, None, 30, "", "重新受理"),
            ]
        ),
    )
    p.involve(e2, upper[4:], "applicant")
    p.involve(e2, lower[3:], "respondent")
    p.concern(e2, bld, u2)
    p.reports(
        e2,
        r,
        [
            (HOT, 0, upper[4]),
            (HOT, 30, upper[5]),
            (HOT, 42, upper[4]),
            (HOT, 60, upper[6]),
            ("walk_in", 80, upper[4]),
        ],
    )
    # E3: whole building, still in mediation
    r = p.ts(70, 9)
    e3 = p.dispute(
        loc,
        title="丹桂苑3幢加装电梯意见分歧",
        category="elevator_retrofit",
        status="in_mediation",
        reported=r,
        channel=HOT,
        headcount=5,
        amount=None,
        description="高层住户多次来电，要求街道协调低层住户签字。",
        steps=_hotline_intake(
            [
                ("sgov", "accepted", True, 1.2, 3, None, "", ""),
                ("chous", "mediated", False, 3, 12, None, "", ""),
                ("cmc", "mediated", True, 12, None, 30, "", ""),
            ]
        ),
    )
    p.involve(e3, [upper[0], upper[1], upper[4]], "applicant")
    p.involve(e3, [lower[0], lower[3]], "respondent")
    p.concern(e3, bld)
    p.reports(
        e3,
        r,
        [
            (HOT, 0, upper[0]),
            (HOT, 9, upper[1]),
            (HOT, 21, upper[0]),
            (HOT, 33, upper[4]),
            (HOT, 47, upper[0]),
            ("walk_in", 60, upper[1]),
        ],
    )
    # E4: an online petition by the repeat petitioner
    r = p.ts(28, 20)
    e4 = p.dispute(
        loc,
        title="丹桂苑3幢住户网上信访反映加装电梯受阻",
        category="elevator_retrofit",
        status="accepted",
        reported=r,
        channel="petition_online",
        headcount=3,
        amount=None,
        description="反映街道协调不力，要求上级督促。",
        steps=[
            ("cpet", "received", True, 0, 2, 15, "", ""),
            ("cpet", "accepted", True, 2, 3, 60, "", ""),
            ("cpet", "assigned", True, 3, 4, None, "", ""),
            ("sgov", "signed", True, 4, None, 60, "", ""),
        ],
    )
    p.involve(e4, [upper[2]], "applicant")
    p.involve(e4, [lower[1], lower[2]], "respondent")
    p.concern(e4, bld, xq)  # the petition names the compound as well
    p.reports(
        e4,
        r,
        [("petition_online", 0, upper[2]), (HOT, 7, upper[2]), ("petition_online", 18, upper[2])],
    )
    # E5: newly reported obstruction of the works
    r = p.ts(9, 11)
    e5 = p.dispute(
        loc,
        title="丹桂苑3幢低层住户阻挠电梯施工",
        category="elevator_retrofit",
        status="reported",
        reported=r,
        channel=HOT,
        headcount=2,
        amount=None,
        description="施工队进场后低层住户阻拦，双方发生口角。",
        steps=_hotline_intake([]),
    )
    p.involve(e5, [upper[5]], "applicant")
    p.involve(e5, [lower[4]], "respondent")
    p.concern(e5, bld, u2)
    p.reports(e5, r, [(HOT, 0, upper[5]), ("police_110", 0.2, upper[5])])
    # E6: the elderly upper-floor owners visit the county petition bureau together
    r = p.ts(16, 9)
    visitors = [upper[0], upper[3], upper[5], upper[6]]
    e6 = p.dispute(
        loc,
        title="丹桂苑3幢高层老年住户集体到区信访局反映加装电梯受阻",
        category="elevator_retrofit",
        status="accepted",
        reported=r,
        channel="petition_visit",
        headcount=6,
        amount=None,
        description="4名高龄住户集体来访，称低层住户阻挠施工，要求政府协调。",
        steps=[
            ("cpet", "received", True, 0, 1, 15, "", "集体访"),
            ("cpet", "accepted", True, 1, 2, 60, "", ""),
            ("cpet", "assigned", True, 2, 3, None, "", ""),
            ("sgov", "signed", True, 3, None, 60, "", ""),
        ],
    )
    p.involve(e6, visitors, "applicant")
    p.involve(e6, [lower[0], lower[3]], "respondent")
    p.concern(e6, bld)
    p.reports(e6, r, [("petition_visit", 0, upper[0]), (HOT, 5, upper[3]), (HOT, 11, upper[0])])
    d = [e1, e2, e3, e4, e5, e6]
    links = (
        (e3, e1, "follow_up"),
        (e4, e3, "follow_up"),
        (e5, e2, "same_incident"),
        (e6, e4, "follow_up"),
    )
    for a, b, why in links:
        p.row("dispute_links", dispute_id=a, other_id=b, reason=why)
    return {
        "name": "elevator_building",
        "expect": "top3",
        "disputes": d,
        "members": [*d, *upper, *lower, xq, bld, u1, u2],
        "anchor": bld,
        "description_zh": "丹桂苑3幢（1994年建）加装电梯：7户高层（多为老人）与5户低层住户对立，6起纠纷、"
        "反复来电、网上信访和集体访，调解失败1次，回访不满意后反弹。",
        "description_en": "Elevator retrofit splitting one 1994 building: 7 upper-floor (mostly elderly) owners "
        "against 5 lower-floor owners; 6 disputes, repeat hotline calls, an online petition, a collective visit, "
        "one failed mediation and an unsatisfied follow-up (rebound).",
        "building": bld,
        "compound": xq,
        "upper_floor": upper,
        "lower_floor": lower,
        "rebound_dispute": e2,
        "failed_dispute": e1,
    }


def _land_village(p: _Planter) -> dict[str, Any]:
    city = p.city
    rural = [s for s in range(len(city.street_name)) if city.street_rural[s]]
    street = min(rural, key=lambda s: (city.street_district[s], s))
    loc = _loc_of_street(city, street)
    p._loc = loc
    village = p.prop("village", "桃源村", loc, coords=True)
    parcels = [
        p.prop("land_parcel", f"桃源村{1 + k // 5}组{k % 5 + 1}号地块", loc, part_of=village)
        for k in range(14)
    ]
    coop = p.employer("临江绿源农业专业合作社", "cooperative", "农业", loc, head="93")
    for parcel in parcels:
        p.tie(coop, parcel, "lessee")
    tags = [["elderly"] if i % 3 else ["elderly", "low_income"] for i in range(12)] + [
        [] for _ in range(6)
    ]
    order = p.rng.permutation(18).tolist()
    villagers = p.persons(18, loc, [tags[i] for i in order])
    for i, v in enumerate(villagers):
        p.tie(v, parcels[i % 14], "owner")
    specs = [
        (55, "grid_report", "in_mediation", [0, 1, 2, 3], [0, 1, 2, 3], 46_000),
        (40, HOT, "accepted", [4, 5, 6], [4, 5, 6], 31_500),
        (26, "petition_visit", "accepted", [7, 8, 9, 10, 11], [7, 8, 9, 10], 58_800),
        (18, HOT, "in_mediation", [12, 13], [11], 12_600),
        (10, "petition_online", "reported", [14, 15, 16], [12, 13], 22_400),
        (3, "proactive_screening", "reported", [17, 0], [3, 0], None),
    ]
    disputes = []
    petitions = []
    for k, (ago, channel, status, who, plots, amount) in enumerate(specs):
        r = p.ts(ago, 9 + k)
        steps = _land_steps(channel, status)
        did = p.dispute(
            loc,
            title=f"桃源村{len(who)}户村民与临江绿源农业专业合作社土地流转租金纠纷",
            category="land_transfer",
            status=status,
            reported=r,
            channel=channel,
            headcount=len(who),
            amount=amount,
            description="合作社承租村民承包地，已拖欠一至两年流转租金。",
            steps=steps,
        )
        p.involve(did, [villagers[i] for i in who], "applicant")
        p.involve(did, [coop], "respondent")
        p.concern(did, *[parcels[j] for j in plots])
        if channel == "petition_visit":  # the collective visit speaks for the whole village
            p.concern(did, village)
        contacts: list[tuple[str, float, str | None]] = [
            (channel, 0, None if channel == "proactive_screening" else villagers[who[0]])
        ]
        contacts += [
            (HOT, min(ago - 1, 4 + 6 * j), villagers[who[j % len(who)]]) for j in range(1 + k % 3)
        ]
        p.reports(did, r, contacts)
        disputes.append(did)
        if channel.startswith("petition"):
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
        "amount_total": sum(s[5] or 0 for s in specs),
    }


def _land_steps(channel: str, status: str) -> list[PStep]:
    """The hand-off chain of one land-rent dispute (all still open)."""
    work: list[PStep] = [
        ("cagri", "mediated", False, 3, 9, None, "", "农业农村局核实流转合同"),
        ("sgov", "mediated", True, 9, None, 30, "", ""),
    ]
    if channel.startswith("petition"):
        note = "集体访" if channel == "petition_visit" else ""
        if status == "reported":
            return [("cpet", "received", True, 0, None, 15, "", note)]
        return [
            ("cpet", "received", True, 0, 1, 15, "", note),
            ("cpet", "accepted", True, 1, 2, 60, "", ""),
            ("cpet", "assigned", True, 2, 3, None, "", ""),
            ("sgov", "signed", True, 3, None, 60, "", ""),
        ]
    if channel == HOT:
        if status == "accepted":
            return _hotline_intake([("rc", "accepted", True, 1.2, None, None, "", "")])
        return _hotline_intake([("rc", "accepted", True, 1.2, 3, None, "", ""), *work])
    if status == "reported":
        return [("gs", "received", True, 0, None, 3, "", "")]
    return [
        ("gs", "received", True, 0, 0.1, None, "", ""),
        ("rc", "signed", True, 0.1, 1, 3, "", ""),
        ("rc", "accepted", True, 1, 3, None, "", ""),
        *work,
    ]


def _benign_manager(p: _Planter) -> dict[str, Any]:
    city = p.city
    street = _first_urban_street(city, 0, 2)
    loc = _loc_of_street(city, street, 1)
    p._loc = loc
    xq = p.prop("residential_community", "锦绣江南花园", loc, built=2012, coords=True)
    blds = [
        p.prop("building", f"锦绣江南花园{k + 1}幢", loc, part_of=xq, built=2012) for k in range(12)
    ]
    mgr = p.employer("临江嘉禾物业服务有限公司", "property_manager", "物业管理", loc)
    p.tie(mgr, xq, "manager")
    n = 60
    disputes = []
    people = []
    for k in range(n):
        ago = 8 + (k * 160) // n
        r = p.ts(ago, 9 + k % 9)
        noise = k % 5 in (1, 3)
        bld = blds[k % 12] if noise else blds[(k * 7) % 12]
        who = p.persons(1, loc)
        people += who
        med = "cmc" if noise else "cpmc"
        if k % 5 < 3:
            channel = HOT
            q = 1.2 + 1 + k % 4  # resolved within 2-5 days
            steps = _hotline_intake(
                [
                    (med, "mediated", True, 1.2, q, 30, "agreement", ""),
                    (med, "resolved", True, q, q + 0.2, None, "agreement", ""),
                    ("xhot", "followed_up", True, q + 0.3, q + 0.5, None, "satisfied", ""),
                    ("xhot", "closed", True, q + 0.5, q + 0.6, None, "", ""),
                ]
            )
        else:
            channel = "grid_report"
            q = 0.5 + 1 + k % 4
            steps = [
                ("gs", "received", True, 0, 0.1, None, "", ""),
                ("rc", "signed", True, 0.1, 0.5, 3, "", ""),
                ("cmc", "mediated", True, 0.5, q, 30, "agreement", ""),
                ("cmc", "resolved", True, q, q + 0.2, None, "agreement", ""),
                ("sgc", "followed_up", True, q + 0.3, q + 0.5, None, "satisfied", ""),
                ("sgc", "closed", True, q + 0.5, q + 0.6, None, "", ""),
            ]
        status = "resolved" if k % 4 else "closed"
        if noise:
            other = p.persons(1, loc)
            people += other
            title = f"锦绣江南花园{(k % 12) + 1}幢楼上楼下噪音纠纷"
            did = p.dispute(
                loc,
                title=title,
                category="noise",
                status=status,
                reported=r,
                channel=channel,
                headcount=2,
                amount=None,
                description="夜间噪音影响休息，经调解双方达成谅解。",
                steps=steps,
            )
            p.involve(did, who, "applicant")
            p.involve(did, other, "respondent")
            p.concern(did, xq, bld)
            p.tie(who[0], bld, "resident")
            p.tie(other[0], bld, "resident")
        else:
            topic = ("停车位管理", "电梯维保", "绿化养护", "物业费调整", "垃圾清运", "门禁故障")[
                k % 6
            ]
            did = p.dispute(
                loc,
                title=f"锦绣江南花园业主反映{topic}问题",
                category="property_management",
                status=status,
                reported=r,
                channel=channel,
                headcount=1,
                amount=None if k % 3 else 800 + 100 * (k % 7),
                description="业主对物业服务提出意见，物业公司当场整改，业主满意。",
                steps=steps,
            )
            p.involve(did, who, "applicant")
            p.involve(did, [mgr], "respondent")
            p.concern(did, xq)
            p.tie(who[0], bld, "owner")
        p.reports(did, r, [(channel, 0, None if channel == "grid_report" else who[0])])
        disputes.append(did)
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


def _bounced(p: _Planter) -> dict[str, Any]:
    city = p.city
    street = _first_urban_street(city, 0, 0)
    loc = _loc_of_street(city, street, 1)
    p._loc = loc
    wrong = "wrong_jurisdiction"
    a1 = p.persons(1, loc, [["elderly"]])
    r = p.ts(48, 10)
    b1 = p.dispute(
        loc,
        title="老旧小区外墙瓷砖脱落维修责任纠纷",
        category="old_community_renovation",
        status="accepted",
        reported=r,
        channel=HOT,
        headcount=1,
        amount=None,
        description="外墙瓷砖多次脱落砸坏车辆，住建与城管互相认为不属本单位职责。",
        steps=[
            ("xhot", "received", True, 0, 0.02, None, "", ""),
            ("xhot", "assigned", True, 0.02, 0.3, 1, "", ""),
            ("chous", "signed", True, 0.3, 2, 7, "", ""),
            ("chous", "returned", True, 2, 3, None, wrong, "属违法建设或市容管理，建议转城管"),
            ("curb", "signed", True, 3, 5, 7, "", ""),
            ("curb", "returned", True, 5, 6, None, wrong, "属房屋维修范围，退回住建"),
            ("chous", "signed", True, 6, 9, 7, "", ""),
            ("chous", "returned", True, 9, 10, None, wrong, "再次退回"),
            ("curb", "signed", True, 10, None, 7, "", ""),
        ],
    )
    p.involve(b1, a1, "applicant")
    p.reports(b1, r, [(HOT, 0, a1[0]), (HOT, 8, a1[0]), (HOT, 20, a1[0])])
    a2 = p.persons(1, loc)
    r = p.ts(30, 15)
    b2 = p.dispute(
        loc,
        title="楼顶违章搭建雨棚漏水纠纷",
        category="neighbor",
        status="accepted",
        reported=r,
        channel=HOT,
        headcount=1,
        amount=None,
        description="住户反映顶楼违建漏水，城管与住建互相退回。",
        steps=[
            ("xhot", "received", True, 0, 0.02, None, "", ""),
            ("xhot", "assigned", True, 0.02, 0.3, 1, "", ""),
            ("curb", "signed", True, 0.3, 1, 7, "", ""),
            ("curb", "returned", True, 1, 2, None, wrong, "建议转住建"),
            ("chous", "signed", True, 2, 3, 7, "", ""),
            ("chous", "returned", True, 3, 4, None, wrong, "退回城管"),
            ("curb", "signed", True, 4, None, 7, "", ""),
        ],
    )
    p.involve(b2, a2, "applicant")
    p.reports(b2, r, [(HOT, 0, a2[0]), (HOT, 10, a2[0])])
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


def _stalled(p: _Planter) -> dict[str, Any]:
    city = p.city
    street = _first_urban_street(city, 0, 1)
    loc = _loc_of_street(city, street, 1)
    p._loc = loc
    a, b = p.persons(2, loc)
    r = p.ts(130, 10)
    s1 = p.dispute(
        loc,
        title="相邻房屋采光通风纠纷",
        category="neighbor",
        status="in_mediation",
        reported=r,
        channel="grid_report",
        headcount=2,
        amount=None,
        description="一方加建阳光房影响邻居采光，交街道调委会调解后无进展。",
        steps=[
            ("gs", "received", True, 0, 0.1, None, "", ""),
            ("rc", "signed", True, 0.1, 1, 3, "", ""),
            ("sgc", "assigned", True, 1, 2, None, "", ""),
            ("smc", "mediated", True, 2, None, 30, "", ""),
        ],
    )
    p.involve(s1, [a], "applicant")
    p.involve(s1, [b], "respondent")
    p.reports(s1, r, [("grid_report", 0, None), (HOT, 60, a)])
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
