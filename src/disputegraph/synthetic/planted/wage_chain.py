# ruff: noqa: E501 - the zh/en narratives are kept as whole sentences
"""``wage_arrears_chain``: wage arrears along a contractor chain before the Spring Festival.

Developer → general contractor → subcontractor → two labour teams on one
construction project; 28 migrant workers of the teams in 6 wage-arrears disputes
within 45 days of ``as_of``, 2 of them petitions (one skip-level to the city).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from disputegraph.schemas.enums import (
    Action,
    Category,
    Channel,
    EmployerKind,
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
    first_urban_street,
    hotline_intake,
    loc_of_street,
    petition_intake,
)

__all__ = ["wage_chain"]


@dataclass(frozen=True)
class _Cast:
    loc: Loc
    pname: str  # the project's short name
    dev: str
    gc: str
    sub: str
    lt1: str
    lt2: str
    project: str
    workers: list[str]

    @property
    def team1(self) -> list[str]:
        return self.workers[:16]

    @property
    def team2(self) -> list[str]:
        return self.workers[16:]


def _cast(p: Planter) -> _Cast:
    """The contractors, the project and their contracts; the workers and their employment."""
    city = p.city
    street = first_urban_street(city, 0, 1)
    loc = loc_of_street(city, street)
    sname = city.street_name[street].removesuffix("街道")
    dev = p.employer("临江恒泰置业有限公司", EmployerKind.DEVELOPER, "房地产开发", loc)
    gc = p.employer("浙江宏达建筑工程有限公司", EmployerKind.GENERAL_CONTRACTOR, "建筑施工", loc)
    sub = p.employer("临江鑫源建筑安装工程有限公司", EmployerKind.SUBCONTRACTOR, "建筑安装", loc)
    lt1 = p.employer("安徽瑞丰建筑劳务有限公司", EmployerKind.LABOUR_TEAM, "建筑劳务", loc)
    lt2 = p.employer("王建军木工班组", EmployerKind.LABOUR_TEAM, "建筑劳务", loc)
    project = p.prop(
        PropertyKind.CONSTRUCTION_PROJECT, f"{sname}人才公寓二期工程", loc, coords=True
    )
    p.tie(dev, project, PropertyRelation.DEVELOPER)
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
    cast = _Cast(loc, f"{sname}人才公寓二期", dev, gc, sub, lt1, lt2, project, workers)
    for w in cast.team1:
        p.row("employments", party_id=w, employer_id=lt1, since=p.date(310), until=None)
    for i, w in enumerate(cast.team2):
        p.row(
            "employments",
            party_id=w,
            employer_id=lt2,
            since=p.date(280),
            until=p.date(45) if i % 3 == 0 else None,
        )
    return cast


def _inspection_lead(p: Planter, c: _Cast) -> Case:
    """W1: team 1 via a labour-inspection lead; mediation failed, escalated to the county,
    supervised by the city."""
    team1 = c.team1
    return Case(
        title=f"{c.pname}项目{len(team1)}名农民工反映安徽瑞丰建筑劳务有限公司拖欠工资",
        category=Category.WAGE_ARREARS,
        status=Status.IN_MEDIATION,
        reported=p.ts(41, 10),
        channel=Channel.LABOUR_INSPECTION,
        headcount=16,
        amount=620_000,
        description="劳务公司以总包未拨付进度款为由拖欠16名工人工资约62万元。",
        steps=[
            ("clab", Action.RECEIVED, True, 0, 0.2, None, "", ""),
            ("clab", Action.ACCEPTED, True, 0.2, 2, 60, "", ""),
            ("clab", Action.MEDIATED, True, 2, 20, 60, "failed", "劳务公司称总包未付款"),
            ("cgc", Action.ESCALATED, True, 20, 22, None, "", "涉及人数多，上报区矛调中心"),
            ("xgc", Action.SUPERVISED, True, 22, None, 60, "", "市社会治理中心挂牌督办"),
            ("clab", Action.MEDIATED, True, 23, None, 30, "", ""),
        ],
        representatives=team1[:1],
        applicants=team1[1:],
        respondents=[c.lt1, c.sub],
        third_parties=[c.gc],
        concerns=[c.project],
        contacts=[
            (Channel.LABOUR_INSPECTION, 0, team1[0]),
            (HOT, 6, team1[3]),
            (HOT, 15, team1[7]),
            (Channel.PETITION_ONLINE, 24, team1[0]),
            (HOT, 33, team1[11]),
        ],
    )


def _hotline_team2(p: Planter, c: _Cast) -> Case:
    """W2: team 2 via the 12345 hotline."""
    team2 = c.team2
    return Case(
        title=f"{c.pname}项目王建军木工班组12名工人讨要工资",
        category=Category.WAGE_ARREARS,
        status=Status.ACCEPTED,
        reported=p.ts(27, 14),
        channel=HOT,
        headcount=12,
        amount=480_000,
        description="木工班组12名工人反映工程完工后工资未结清。",
        steps=hotline_intake([("clab", Action.ACCEPTED, True, 1.2, None, 60, "", "")]),
        representatives=team2[:1],
        applicants=team2[1:],
        respondents=[c.lt2, c.sub],
        concerns=[c.project],
        contacts=[
            (HOT, 0, team2[0]),
            (HOT, 4, team2[2]),
            (HOT, 11, team2[5]),
            (Channel.PETITION_ONLINE, 20, team2[0]),
        ],
    )


def _county_visit(p: Planter, c: _Cast) -> Case:
    """W3: a collective visit to the county petition bureau (both teams)."""
    visitors = c.team1[2:7] + c.team2[1:5]
    return Case(
        title="9名农民工到区信访局集体上访反映鑫源公司拖欠劳务费",
        category=Category.WAGE_ARREARS,
        status=Status.IN_MEDIATION,
        reported=p.ts(19, 9),
        channel=Channel.PETITION_VISIT,
        headcount=9,
        amount=390_000,
        description="两个班组工人代表集体来访，要求分包、总包单位支付劳务费。",
        steps=petition_intake(
            [
                ("clab", Action.SIGNED, True, 3, 4, None, "", ""),
                ("cgc", Action.ESCALATED, True, 4, 5, None, "", ""),
                ("cplc", Action.SUPERVISED, True, 5, None, 60, "", "区委政法委督办"),
                ("clab", Action.MEDIATED, True, 5, None, 30, "", ""),
            ],
            "集体访",
        ),
        applicants=visitors,
        respondents=[c.sub, c.gc],
        third_parties=[c.dev],
        concerns=[c.project],
        contacts=[
            (Channel.PETITION_VISIT, 0, visitors[0]),
            (HOT, 5, visitors[3]),
            (Channel.PETITION_ONLINE, 12, visitors[6]),
        ],
    )


def _skip_level_letter(p: Planter, c: _Cast) -> Case:
    """W4: a skip-level letter straight to the city petition bureau."""
    reps = [c.team1[0], c.team2[0], c.team1[8]]
    return Case(
        title="农民工代表越级致信市信访局反映人才公寓二期项目欠薪",
        category=Category.WAGE_ARREARS,
        status=Status.ACCEPTED,
        reported=p.ts(12, 11),
        channel=Channel.PETITION_LETTER,
        headcount=28,
        amount=260_000,
        description="工人代表称总包单位截留进度款，要求开发商、总包垫付工资。",
        steps=[
            ("xpet", Action.RECEIVED, True, 0, 3, 15, "", "越级信访"),
            ("xpet", Action.ASSIGNED, True, 3, 4, None, "", ""),
            ("cpet", Action.SIGNED, True, 4, 5, 60, "", ""),
            ("clab", Action.ACCEPTED, True, 5, None, 60, "", ""),
        ],
        representatives=reps,
        respondents=[c.gc, c.dev],
        concerns=[c.project],
        contacts=[(Channel.PETITION_LETTER, 0, reps[0]), (Channel.PETITION_ONLINE, 6, reps[1])],
    )


def _single_worker(p: Planter, c: _Cast) -> Case:
    """W5: one worker, resolved quickly."""
    return Case(
        title=f"{c.pname}项目木工个人工资结算纠纷",
        category=Category.WAGE_ARREARS,
        status=Status.RESOLVED,
        reported=p.ts(33, 16),
        channel=HOT,
        headcount=1,
        amount=38_000,
        description="个人工资差额，经调解班组长当场结清。",
        steps=hotline_intake(
            [
                ("clab", Action.MEDIATED, True, 1.2, 5, 60, "agreement", ""),
                ("clab", Action.RESOLVED, True, 5, 5.5, None, "agreement", ""),
                ("xhot", Action.FOLLOWED_UP, True, 5.5, 6, None, "satisfied", ""),
                ("xhot", Action.CLOSED, True, 6, 6.1, None, "", ""),
            ]
        ),
        applicants=c.team2[7:8],
        respondents=[c.lt2],
        concerns=[c.project],
        contacts=[(HOT, 0, c.team2[7])],
    )


def _site_gathering(p: Planter, c: _Cast) -> Case:
    """W6: the grid worker reports a gathering at the site."""
    gathered = [c.team1[9], c.team1[12], c.team2[3], c.team2[9]]
    return Case(
        title=f"{c.pname}工地农民工聚集讨薪",
        category=Category.WAGE_ARREARS,
        status=Status.REPORTED,
        reported=p.ts(4, 8),
        channel=Channel.GRID_REPORT,
        headcount=20,
        description="约20名工人在项目部门口聚集讨薪，网格员现场劝导并上报。",
        steps=[
            ("gs", Action.RECEIVED, True, 0, 0.1, None, "", ""),
            ("sgc", Action.SIGNED, True, 0.1, None, 7, "", ""),
        ],
        applicants=gathered,
        respondents=[c.gc],
        concerns=[c.project],
        contacts=[(Channel.GRID_REPORT, 0, None), (HOT, 1, gathered[0])],
    )


def wage_chain(p: Planter) -> dict[str, Any]:
    c = _cast(p)
    cases = [
        _inspection_lead(p, c),
        _hotline_team2(p, c),
        _county_visit(p, c),
        _skip_level_letter(p, c),
        _single_worker(p, c),
        _site_gathering(p, c),
    ]
    w1, w2, w3, w4, _w5, w6 = disputes = [p.plant(c.loc, case) for case in cases]
    for later, earlier in ((w3, w1), (w6, w1), (w4, w3)):
        p.link(later, earlier, LinkReason.SAME_INCIDENT)
    total = sum(case.amount or 0 for case in cases)
    contractors = [c.dev, c.gc, c.sub, c.lt1, c.lt2]
    return {
        "name": "wage_arrears_chain",
        "expect": "top3",
        "disputes": disputes,
        "members": [*disputes, *c.workers, *contractors, c.project],
        "anchor": c.gc,
        "description_zh": f"{c.pname}项目：开发商→总包→分包→两个劳务班组的4级分包链，28名农民工被拖欠工资"
        f"约{total / 10000:.0f}万元；春节前45天内6起欠薪纠纷、2起信访（1起越级到市）、逐级上报督办。",
        "description_en": f"Wage arrears along a 4-tier contractor chain (developer → general contractor → "
        f"subcontractor → two labour teams) on one project: 28 migrant workers owed "
        f"¥{total:,}, 6 disputes in the 45 days before the Spring Festival, 2 petitions "
        f"(one skip-level to the city), escalations up to county and city.",
        "siblings": disputes,
        "project": c.project,
        "chain": [c.dev, c.gc, c.sub, [c.lt1, c.lt2]],
        "chain_depth": 3,
        "contractors": contractors,
        "workers": c.workers,
        "representatives": [c.team1[0], c.team2[0], c.team1[8]],
        "amount_total": total,
        "petitions": [w3, w4],
        "skip_level_petition": w4,
        "open": [w1, w2, w3, w4, w6],
    }
