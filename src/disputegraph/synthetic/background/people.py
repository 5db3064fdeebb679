"""The people and organisations of a chunk: applicants (some of them repeat petitioners),
person respondents and family members, organisation respondents (hospitals, schools,
local governments), employer respondents (some shared by a group of disputes) and the
contractor chains above them.

Each function writes its rows into ``out`` and draws from the chunk's stream in the
order :func:`~disputegraph.synthetic.background.chunk.background_chunk` calls them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from disputegraph.schemas.enums import Category, EmployerKind, PartyKind, PropertyKind
from disputegraph.synthetic.background.cases import BoolArray, Cases, IntArray, Sides
from disputegraph.synthetic.background.tables import (
    CATEGORIES,
    ELDERLY_P,
    EMPLOYER_RESPONDENTS,
    INDUSTRY,
    MIGRANT_P,
    RESP_KINDS,
    WAGE_KINDS,
)
from disputegraph.synthetic.city import City, Columns
from disputegraph.synthetic.names import (
    MIGRANT_REGIONS,
    company_names,
    credit_codes,
    id_numbers,
    person_names,
    phones,
    trade_names,
)
from disputegraph.synthetic.timing import DAY, Window, iso_dates

__all__ = [
    "Applicants",
    "Counters",
    "Employers",
    "Organisations",
    "Persons",
    "Run",
    "add_contractor_chains",
    "add_employers",
    "add_organisations",
    "add_persons",
    "draw_applicants",
]

_TAGS = ("migrant_worker", "elderly", "disabled", "minor", "low_income", "repeat_petitioner")
_PROJECT_WORDS = ("安置房", "人才公寓", "商业综合体", "厂房", "学校", "道路", "保障房", "产业园")


@dataclass
class Counters:
    """Running id counters (ids are sequential across chunks)."""

    dispute: int = 0
    party: int = 0
    employer: int = 0
    prop: int = 0
    report: int = 0


@dataclass
class Run:
    """What the chunk's stages share: the stream, the city, the rows and the id counters."""

    rng: np.random.Generator
    city: City
    out: dict[str, Columns]
    counters: Counters
    used_names: set[str]
    window: Window

    @property
    def today(self) -> int:
        """The as-of day, in days since the epoch."""
        return self.window.t0 // DAY

    @property
    def district_names(self) -> list[str]:
        return [d[0] for d in self.city.districts]

    def ids(self, prefix: str, counter: str, count: int, width: int = 8) -> list[str]:
        """``count`` fresh sequential ids (``P00000001`` …) from the named counter."""
        start = getattr(self.counters, counter)
        setattr(self.counters, counter, start + count)
        return [f"{prefix}{i:0{width}d}" for i in range(start + 1, start + count + 1)]


@dataclass(frozen=True)
class Applicants:
    """One slot per applicant of each dispute; the first applicant of a dispute may be a
    repeat petitioner who already filed an earlier dispute of the same community."""

    d: IntArray  # the dispute of each slot
    k: IntArray  # 0 for the first applicant of its dispute
    fresh: BoolArray  # a new person (not a repeat petitioner's earlier record)
    first: IntArray  # per dispute: its first slot
    reuse: BoolArray  # per dispute: its first applicant filed before
    root_of: IntArray  # per dispute: the first dispute of its run
    is_root: BoolArray  # per dispute: the first dispute of a run that continues


def draw_applicants(rng: np.random.Generator, cases: Cases, sides: Sides) -> Applicants:
    """Along each community's disputes in time order, a dispute may reuse the first
    applicant of the run it continues (a repeat petitioner)."""
    n, comm, n_app = cases.n, cases.comm, sides.n_app
    order = np.lexsort((cases.reported, comm))
    link = np.zeros(n, dtype=bool)  # link[k]: order[k] continues order[k - 1]'s run
    if n > 1:
        link[1:] = (comm[order][1:] == comm[order][:-1]) & (rng.random(n - 1) < 0.04)
    run_start = np.maximum.accumulate(np.where(link, 0, np.arange(n)))
    reuse = np.zeros(n, dtype=bool)
    reuse[order[link]] = True
    root_of = np.arange(n)
    root_of[order] = order[run_start]
    is_root = np.zeros(n, dtype=bool)
    is_root[root_of[reuse]] = True
    app_d = np.repeat(np.arange(n), n_app)
    app_k = np.arange(len(app_d)) - np.repeat(np.cumsum(n_app) - n_app, n_app)
    fresh = ~(reuse[app_d] & (app_k == 0))
    first = np.cumsum(n_app) - n_app
    return Applicants(app_d, app_k, fresh, first, reuse, root_of, is_root)


@dataclass(frozen=True)
class Persons:
    """The ids of the person parties: each applicant slot's, respondents', family members'."""

    app_ids: npt.NDArray[np.str_]
    resp_person: IntArray  # disputes with a person respondent
    resp_person_ids: npt.NDArray[np.str_]
    fam: IntArray  # disputes with a family member
    fam_ids: npt.NDArray[np.str_]
    name_of: dict[str, str]  # every party and employer id of the chunk -> its name


def add_persons(run: Run, cases: Cases, sides: Sides, apps: Applicants) -> Persons:
    """Fresh applicants, person respondents and family members, with their tags."""
    rng, city = run.rng, run.city
    cat = cases.cat
    resp_person = np.flatnonzero(sides.resp == 0)
    fam = np.flatnonzero(sides.family)
    p_dispute = np.concatenate([apps.d[apps.fresh], resp_person, fam])
    p_kind = np.concatenate(
        [
            np.ones(int(apps.fresh.sum()), np.int64),
            np.full(len(resp_person), 2),
            np.full(len(fam), 3),
        ]
    )
    n_p = len(p_dispute)
    p_ids = np.array(run.ids("P", "party", n_p))
    p_cat = cat[p_dispute]
    elderly = rng.random(n_p) < np.where(p_kind == 1, ELDERLY_P[p_cat], 0.1)
    migrant = (p_kind == 1) & (rng.random(n_p) < MIGRANT_P[p_cat])
    minor = (p_kind == 3) & (p_cat == CATEGORIES.index(Category.EDUCATION))
    elderly &= ~minor & ~migrant
    disabled = rng.random(n_p) < 0.02
    low_income = rng.random(n_p) < np.where(migrant | elderly, 0.12, 0.04)
    repeat_pet = np.zeros(n_p, dtype=bool)
    slot_person = np.cumsum(apps.fresh) - 1  # person index of each fresh applicant slot
    repeat_pet[slot_person[apps.first[apps.is_root]]] = True
    today = run.today
    birth = np.where(
        elderly,
        today - rng.integers(65 * 365, 88 * 365, size=n_p),
        np.where(
            minor,
            today - rng.integers(7 * 365, 17 * 365, size=n_p),
            today - rng.integers(20 * 365, 60 * 365, size=n_p),
        ),
    ).astype(np.int64)
    dist_codes = np.array([d[1] for d in city.districts])
    p_district = cases.district[p_dispute]
    # a draw that once placed people in no dispute (there are none); kept so that a seed
    # gives the same city as before
    rng.integers(0, len(city.districts), size=n_p)
    region = np.where(
        migrant,
        np.asarray(MIGRANT_REGIONS)[rng.integers(0, len(MIGRANT_REGIONS), size=n_p)],
        dist_codes[p_district],
    )
    idn = id_numbers(rng, region, birth)
    has_id = rng.random(n_p) < np.where(minor, 0.4, 0.9)
    ph = phones(rng, n_p)
    has_ph = (rng.random(n_p) < 0.85) & ~minor
    names = person_names(rng, n_p)
    tag_flags = (migrant, elderly, disabled, minor, low_income, repeat_pet)
    tag_code = sum(f.astype(np.int64) << i for i, f in enumerate(tag_flags))
    tag_text = {
        c: ";".join(t for i, t in enumerate(_TAGS) if c >> i & 1)
        for c in np.unique(tag_code).tolist()
    }
    dnames = run.district_names
    parties = run.out["parties"]
    parties["id"] = p_ids.tolist()
    parties["kind"] = [PartyKind.PERSON.value] * n_p
    parties["name"] = names
    parties["id_number"] = [v if h else "" for v, h in zip(idn, has_id.tolist(), strict=True)]
    parties["phone"] = [v if h else "" for v, h in zip(ph, has_ph.tolist(), strict=True)]
    parties["district"] = [dnames[d] for d in p_district.tolist()]
    parties["tags"] = [tag_text[c] for c in tag_code.tolist()]

    app_ids = np.empty(len(apps.d), dtype=p_ids.dtype)
    n_fresh = int(apps.fresh.sum())
    app_ids[apps.fresh] = p_ids[:n_fresh]
    reused_slots = np.flatnonzero(~apps.fresh)
    app_ids[reused_slots] = app_ids[apps.first[apps.root_of[apps.d[reused_slots]]]]
    resp_person_ids = p_ids[n_fresh : n_fresh + len(resp_person)]
    fam_ids = p_ids[n_fresh + len(resp_person) :]
    name_of = dict(zip(p_ids.tolist(), names, strict=True))
    return Persons(app_ids, resp_person, resp_person_ids, fam, fam_ids, name_of)


@dataclass(frozen=True)
class Organisations:
    """Organisation respondents (hospitals, schools, local governments) as parties."""

    d: IntArray  # their disputes
    ids: npt.NDArray[np.str_]
    names: list[str]


def _organisation_name(run: Run, kind: str, d: int, cases: Cases, num: int, trade: str) -> str:
    city = run.city
    dn = run.district_names[int(cases.district[d])]
    street = city.street_name[int(cases.street[d])]
    if kind == "hospital":
        return (
            f"{dn}第{'一二三四五六七八'[num - 1]}人民医院"
            if num < 4
            else f"{dn}{street}社区卫生服务中心"
        )
    if kind == "school":
        return f"{dn}{trade}小学" if num < 5 else f"临江{trade}教育培训学校"
    return f"{dn}{street}" + ("人民政府" if street[-1] in "镇乡" else "办事处")


def add_organisations(run: Run, cases: Cases, sides: Sides, persons: Persons) -> Organisations:
    """One organisation party per dispute whose respondent is a hospital, school or government."""
    rng, city, resp = run.rng, run.city, sides.resp
    org_mask = np.isin(resp, [RESP_KINDS.index(k) for k in ("gov", "hospital", "school")])
    org_d = np.flatnonzero(org_mask)
    n_org = len(org_d)
    org_ids = np.array(run.ids("P", "party", n_org))
    trades = trade_names(rng, n_org)
    nums = rng.integers(1, 9, size=n_org).tolist()
    org_names = [
        _organisation_name(run, RESP_KINDS[int(resp[d])], d, cases, nums[j], trades[j])
        for j, d in enumerate(org_d.tolist())
    ]
    org_cc = credit_codes(
        rng,
        [city.districts[int(cases.district[d])][1] for d in org_d.tolist()],
        ["11" if resp[d] == RESP_KINDS.index("gov") else "12" for d in org_d.tolist()],
    )
    dnames = run.district_names
    parties = run.out["parties"]
    parties["id"] += org_ids.tolist()
    parties["kind"] += [PartyKind.ORGANIZATION.value] * n_org
    parties["name"] += org_names
    parties["id_number"] += org_cc
    parties["phone"] += ["" for _ in range(n_org)]
    parties["district"] += [dnames[int(cases.district[d])] for d in org_d.tolist()]
    parties["tags"] += ["" for _ in range(n_org)]
    persons.name_of.update(zip(org_ids.tolist(), org_names, strict=True))
    return Organisations(org_d, org_ids, org_names)


@dataclass(frozen=True)
class Employers:
    """Employer respondents: one employer per group of disputes (most groups are one)."""

    d: IntArray  # disputes with an employer respondent
    owner: IntArray  # per element of ``d``: the element whose employer it shares
    n_groups: int
    id_of_d: npt.NDArray[np.object_]  # per dispute: its employer id ("" for none)
    ids: list[str]  # per group head
    heads: IntArray  # elements of ``d`` heading a group
    head_slot: IntArray  # per element of ``d``: its position among the heads, or -1
    kind_of: dict[str, str]


def _groups(rng: np.random.Generator, cat: IntArray, emp_d: IntArray) -> tuple[IntArray, int]:
    """Some wage, labour-contract and consumer disputes share their employer (3-10 each)."""
    owner = np.arange(len(emp_d))
    groupable = np.flatnonzero(
        np.isin(
            cat[emp_d],
            [
                CATEGORIES.index(c)
                for c in (Category.WAGE_ARREARS, Category.LABOR_CONTRACT, Category.CONSUMER)
            ],
        )
    )
    n_groups = len(groupable) // 60
    if n_groups:
        order = rng.permutation(groupable)
        sizes = rng.integers(3, 11, size=n_groups)
        pos = 0
        for g in range(n_groups):
            members = order[pos : pos + int(sizes[g])]
            pos += int(sizes[g])
            if len(members) > 1:
                owner[members[1:]] = members[0]
    return owner, n_groups


def add_employers(run: Run, cases: Cases, sides: Sides, persons: Persons) -> Employers:
    """Fresh employer respondents (a wage respondent is a labour team, subcontractor or company)."""
    rng, city, resp, n = run.rng, run.city, sides.resp, cases.n
    emp_d = np.flatnonzero(np.isin(resp, EMPLOYER_RESPONDENTS))
    owner, n_groups = _groups(rng, cases.cat, emp_d)
    heads = np.flatnonzero(owner == np.arange(len(emp_d)))
    emp_kind: list[str] = []
    for d in emp_d[heads].tolist():
        k = RESP_KINDS[int(resp[d])]
        if k == "wage":
            emp_kind.append(WAGE_KINDS[int(rng.choice(3, p=[0.5, 0.2, 0.3]))].value)
        else:
            emp_kind.append(k)
    head_d = emp_d[heads]
    e_regions = [city.districts[int(cases.district[d])][1] for d in head_d.tolist()]
    e_names = company_names(
        rng,
        emp_kind,
        run.used_names,
        [city.comm_name[int(cases.comm[d])][:-1] for d in head_d.tolist()],
    )
    e_ids = run.ids("E", "employer", len(heads))
    head_slot = np.full(len(emp_d), -1)
    head_slot[heads] = np.arange(len(heads))
    emp_of_slot = head_slot[owner]
    emp_id_of_d = np.full(n, "", dtype=object)
    emp_id_of_d[emp_d] = np.asarray(e_ids, dtype=object)[emp_of_slot] if len(e_ids) else []
    employers = run.out["employers"]
    employers["id"] = list(e_ids)
    employers["name"] = e_names
    employers["credit_code"] = credit_codes(
        rng, e_regions, ["93" if k == EmployerKind.COOPERATIVE else "91" for k in emp_kind]
    )
    employers["kind"] = emp_kind
    employers["industry"] = [INDUSTRY.get(k, "其他") for k in emp_kind]
    employers["district"] = [run.district_names[int(cases.district[d])] for d in head_d.tolist()]
    persons.name_of.update(zip(e_ids, e_names, strict=True))
    kind_of = dict(zip(e_ids, emp_kind, strict=True))
    return Employers(emp_d, owner, n_groups, emp_id_of_d, e_ids, heads, head_slot, kind_of)


def add_contractor_chains(run: Run, cases: Cases, emps: Employers) -> dict[int, str]:
    """Contractor chains (and their construction project) above most labour teams and
    subcontractors owed wages; returns dispute -> project property id."""
    rng, city = run.rng, run.city
    dnames = run.district_names
    extra_kind: list[str] = []
    extra_region: list[str] = []
    extra_district: list[str] = []
    chains: list[tuple[str, int, list[int]]] = []  # (bottom employer id, dispute, new slots)
    for h in emps.heads.tolist():
        eid = emps.ids[int(emps.head_slot[h])]
        d = int(emps.d[h])
        bottom = emps.kind_of[eid]
        if bottom not in (EmployerKind.LABOUR_TEAM, EmployerKind.SUBCONTRACTOR):
            continue
        if rng.random() > 0.7:
            continue
        tiers = [EmployerKind.GENERAL_CONTRACTOR.value]
        if bottom == EmployerKind.LABOUR_TEAM and rng.random() < 0.5:
            tiers.insert(0, EmployerKind.SUBCONTRACTOR.value)
        if rng.random() < 0.4:
            tiers.append(EmployerKind.DEVELOPER.value)
        slots = []
        for k in tiers:
            slots.append(len(extra_kind))
            extra_kind.append(k)
            extra_region.append(city.districts[int(cases.district[d])][1])
            extra_district.append(dnames[int(cases.district[d])])
        chains.append((eid, d, slots))
    x_names = company_names(rng, extra_kind, run.used_names)
    x_ids = run.ids("E", "employer", len(extra_kind))
    employers = run.out["employers"]
    employers["id"] += x_ids
    employers["name"] += x_names
    employers["credit_code"] += credit_codes(rng, extra_region)
    employers["kind"] += extra_kind
    employers["industry"] += [INDUSTRY[k] for k in extra_kind]
    employers["district"] += extra_district
    projects: dict[int, str] = {}
    for j, (eid, d, slots) in enumerate(chains):
        pid = _add_project(run, cases, d, j)
        projects[d] = pid
        since = iso_dates(np.array([cases.reported[d] - int(rng.integers(200, 700)) * DAY]))[0]
        contracts = run.out["contracts"]
        below = eid
        for slot in slots:
            above = x_ids[slot]
            contracts["contractor_id"].append(above)
            contracts["subcontractor_id"].append(below)
            contracts["project_id"].append(pid)
            contracts["since"].append(since)
            contracts["until"].append("")
            below = above
    return projects


def _add_project(run: Run, cases: Cases, d: int, j: int) -> str:
    """The construction project of the ``j``-th chain (dispute ``d``)."""
    city, counters = run.city, run.counters
    pid = f"PR{counters.prop + 1:08d}"
    counters.prop += 1
    c = int(cases.comm[d])
    s = city.comm_street[c]
    dname = run.district_names[int(cases.district[d])]
    street = city.street_name[s]
    word = _PROJECT_WORDS[j % len(_PROJECT_WORDS)]
    pname = f"{_short(street)}{word}{'一二三'[j % 3]}期工程"
    props = run.out["properties"]
    props["id"].append(pid)
    props["kind"].append(PropertyKind.CONSTRUCTION_PROJECT.value)
    props["name"].append(pname)
    props["address"].append(f"{dname}{street}{pname}")
    props["district"].append(dname)
    props["street"].append(street)
    props["grid"].append(city.grid_name[int(cases.grid[d])])
    props["built_year"].append("")
    props["lat"].append(f"{city.comm_lat[c] + 0.003:.6f}")
    props["lon"].append(f"{city.comm_lon[c] - 0.003:.6f}")
    props["part_of"].append("")
    return pid


def _short(street: str) -> str:
    """望江街道 → 望江, 青溪镇 → 青溪."""
    return street.removesuffix("街道") if street.endswith("街道") else street[:-1]
