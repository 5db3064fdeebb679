"""One chunk of background disputes and everything they bring, as table columns of strings.

The stages run in a fixed order, each drawing from the chunk's one stream
(``(seed, 404, chunk number)``): the disputes (:mod:`.cases`), the people and
employers (:mod:`.people`), the titles, the hand-off chains (:mod:`.handoffs`),
then the relations, the reports and the links.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from disputegraph.schemas.enums import (
    Category,
    Channel,
    LinkReason,
    PartyRole,
    PropertyRelation,
    Status,
)
from disputegraph.schemas.registry import TABLES
from disputegraph.synthetic.background.cases import (
    BoolArray,
    Cases,
    FloatArray,
    Places,
    Sides,
    draw_cases,
    draw_places,
    draw_sides,
)
from disputegraph.synthetic.background.handoffs import Handoffs, time_handoffs, write_handlings
from disputegraph.synthetic.background.people import (
    Applicants,
    Counters,
    Employers,
    Organisations,
    Persons,
    Run,
    add_contractor_chains,
    add_employers,
    add_organisations,
    add_persons,
    draw_applicants,
)
from disputegraph.synthetic.background.tables import (
    CATEGORIES,
    DESCRIPTIONS,
    EMPLOYER_RESPONDENTS,
    RESP_KINDS,
    SOURCES,
    TITLES,
)
from disputegraph.synthetic.city import City, Columns
from disputegraph.synthetic.handling import CHANNELS, STATUSES, Templates
from disputegraph.synthetic.timing import DAY, Window, iso_dates, iso_times

__all__ = ["CHUNK", "background_chunk"]

CHUNK = 20_000
#: the channels of a repeat contact, and how likely each is
_REPEAT_CHANNELS = (
    Channel.HOTLINE_12345,
    Channel.PETITION_ONLINE,
    Channel.PETITION_VISIT,
    Channel.WALK_IN,
    Channel.HOTLINE_12345,
)
#: channels whose report names no reporter
_ANONYMOUS_CHANNELS = (
    Channel.GRID_REPORT,
    Channel.PROACTIVE_SCREENING,
    Channel.ONLINE_SENTIMENT,
    Channel.LEADER_INSTRUCTION,
    Channel.OTHER_DEPARTMENT,
)


def background_chunk(
    seed: int,
    chunk_no: int,
    n: int,
    city: City,
    templates: Templates,
    window: Window,
    counters: Counters,
    used_names: set[str],
) -> dict[str, Columns]:
    """``n`` background disputes and everything they bring, as table columns of strings."""
    rng = np.random.default_rng([seed, 404, chunk_no])
    out = {name: _cols(*model.columns()) for name, model in TABLES.items()}
    run = Run(rng, city, out, counters, used_names, window)

    cases = draw_cases(rng, n, city, window)
    places = draw_places(rng, cases, city)
    sides = draw_sides(rng, cases, places, city)
    apps = draw_applicants(rng, cases, sides)
    persons = add_persons(run, cases, sides, apps)
    orgs = add_organisations(run, cases, sides, persons)
    emps = add_employers(run, cases, sides, persons)
    projects = add_contractor_chains(run, cases, emps)

    d_ids = np.array(run.ids("D", "dispute", n))
    titles = _titles(run, cases, places, sides, apps, persons, orgs, emps)
    handoffs = time_handoffs(rng, cases, templates, window)
    _write_disputes(run, d_ids, titles, cases, sides, handoffs)
    write_handlings(out["handlings"], d_ids, cases, handoffs, templates, city)
    _write_involvements(out["involvements"], d_ids, sides, apps, persons, orgs, emps, city)
    _write_dispute_properties(out["dispute_properties"], d_ids, places, projects, city)
    _write_ties(run, cases, places, apps, persons, emps)
    _write_employments(run, cases, sides, apps, persons, emps)
    _write_reports(run, d_ids, cases, apps, persons, handoffs)
    _write_links(run, d_ids, cases, emps)
    return out


def _cols(*names: str) -> Columns:
    return {n: [] for n in names}


def _fmt_amount(values: FloatArray, present: BoolArray) -> list[str]:
    rounded = np.round(values / 10) * 10
    return [
        str(int(v)) if p else "" for v, p in zip(rounded.tolist(), present.tolist(), strict=True)
    ]


def _titles(
    run: Run,
    cases: Cases,
    places: Places,
    sides: Sides,
    apps: Applicants,
    persons: Persons,
    orgs: Organisations,
    emps: Employers,
) -> list[str]:
    """Each dispute's title from its category's patterns, naming its parties and place."""
    city, n, name_of = run.city, cases.n, persons.name_of
    app_first_name = [name_of[x] for x in persons.app_ids[apps.first].tolist()]
    resp_name = np.full(n, "", dtype=object)
    resp_name[persons.resp_person] = [name_of[x] for x in persons.resp_person_ids.tolist()]
    resp_name[orgs.d] = orgs.names
    resp_name[emps.d] = [name_of[x] for x in emps.id_of_d[emps.d].tolist()]
    mgr_mask = sides.manager_responds
    mgr_names = city.employers["name"]
    resp_name[mgr_mask] = [mgr_names[int(m)] for m in sides.manager[mgr_mask].tolist()]
    resp_name[sides.resp == RESP_KINDS.index("none")] = "相关单位"
    prop_name = [city.properties["name"][p] if p >= 0 else "" for p in places.prop_index.tolist()]
    xq_name = [
        city.properties["name"][city.compounds.xq_prop[x]] if not r else city.comm_name[c]
        for x, r, c in zip(
            places.xq.tolist(), places.is_rural.tolist(), cases.comm.tolist(), strict=True
        )
    ]
    tpl_pick = run.rng.integers(0, 4, size=n).tolist()
    titles = []
    for i in range(n):
        pats = TITLES[Category(CATEGORIES[int(cases.cat[i])])]
        p = prop_name[i] or xq_name[i]
        titles.append(
            pats[tpl_pick[i] % len(pats)].format(
                a=app_first_name[i], r=resp_name[i], p=p, c=city.comm_name[int(cases.comm[i])]
            )
        )
    return titles


def _write_disputes(
    run: Run,
    d_ids: npt.NDArray[np.str_],
    titles: list[str],
    cases: Cases,
    sides: Sides,
    handoffs: Handoffs,
) -> None:
    city, cat = run.city, cases.cat
    dnames = run.district_names
    disputes = run.out["disputes"]
    disputes["id"] = d_ids.tolist()
    disputes["title"] = titles
    disputes["category"] = np.asarray(CATEGORIES)[cat].tolist()
    disputes["status"] = handoffs.status_name.tolist()
    disputes["reported_at"] = iso_times(cases.reported)
    disputes["closed_at"] = iso_times(handoffs.closed_at, ~handoffs.closed_status)
    disputes["channel"] = np.asarray(CHANNELS)[cases.channel].tolist()
    disputes["headcount"] = [str(h) for h in sides.headcount.tolist()]
    disputes["amount_yuan"] = _fmt_amount(sides.amount, sides.has_amount)
    disputes["district"] = [dnames[d] for d in cases.district.tolist()]
    disputes["street"] = [city.street_name[s] for s in cases.street.tolist()]
    disputes["grid"] = [city.grid_name[g] for g in cases.grid.tolist()]
    disputes["description"] = [DESCRIPTIONS[Category(CATEGORIES[c])] for c in cat.tolist()]
    disputes["source"] = SOURCES[cases.channel].tolist()


def _write_involvements(
    inv: Columns,
    d_ids: npt.NDArray[np.str_],
    sides: Sides,
    apps: Applicants,
    persons: Persons,
    orgs: Organisations,
    emps: Employers,
    city: City,
) -> None:
    """Applicants, person respondents, family members, then the organisation, employer and
    property-manager respondents."""
    respondent = PartyRole.RESPONDENT.value
    inv["dispute_id"] = d_ids[apps.d].tolist()
    inv["stakeholder_id"] = persons.app_ids.tolist()
    inv["role"] = np.where(
        apps.k == 0, PartyRole.APPLICANT.value, PartyRole.CO_APPLICANT.value
    ).tolist()
    inv["dispute_id"] += d_ids[persons.resp_person].tolist()
    inv["stakeholder_id"] += persons.resp_person_ids.tolist()
    inv["role"] += [respondent] * len(persons.resp_person)
    inv["dispute_id"] += d_ids[persons.fam].tolist()
    inv["stakeholder_id"] += persons.fam_ids.tolist()
    inv["role"] += [PartyRole.FAMILY_MEMBER.value] * len(persons.fam)
    inv["dispute_id"] += d_ids[orgs.d].tolist()
    inv["stakeholder_id"] += orgs.ids.tolist()
    inv["role"] += [respondent] * len(orgs.d)
    inv["dispute_id"] += d_ids[emps.d].tolist()
    inv["stakeholder_id"] += emps.id_of_d[emps.d].tolist()
    inv["role"] += [respondent] * len(emps.d)
    md = np.flatnonzero(sides.manager_responds)
    mgr_ids = city.employers["id"]
    inv["dispute_id"] += d_ids[md].tolist()
    inv["stakeholder_id"] += [mgr_ids[int(m)] for m in sides.manager[md].tolist()]
    inv["role"] += [respondent] * len(md)


def _write_dispute_properties(
    dp: Columns,
    d_ids: npt.NDArray[np.str_],
    places: Places,
    projects: dict[int, str],
    city: City,
) -> None:
    hp = np.flatnonzero(places.has_prop)
    dp["dispute_id"] = d_ids[hp].tolist()
    dp["property_id"] = [city.prop_ids[p] for p in places.prop_index[hp].tolist()]
    proj_d = sorted(projects)
    dp["dispute_id"] += d_ids[proj_d].tolist()
    dp["property_id"] += [projects[d] for d in proj_d]


def _write_ties(
    run: Run, cases: Cases, places: Places, apps: Applicants, persons: Persons, emps: Employers
) -> None:
    """Applicants of unit/building disputes live in (or own) the unit, a neighbour respondent
    nearby; landholders own their parcel; cooperatives lease it; developers built the compound."""
    city, cat = run.city, cases.cat
    app_d, app_ids = apps.d, persons.app_ids
    has_prop, pk, prop_index = places.has_prop, places.kind, places.prop_index
    resp_person, resp_person_ids = persons.resp_person, persons.resp_person_ids
    emp_d, emp_id_of_d = emps.d, emps.id_of_d
    owner = PropertyRelation.OWNER.value
    ties = run.out["property_ties"]
    home = has_prop & np.isin(pk, [2, 3])
    home_app = home[app_d] & apps.fresh
    homes = (PropertyRelation.OWNER, PropertyRelation.RESIDENT, PropertyRelation.TENANT)
    rel = np.asarray([r.value for r in homes])[
        run.rng.choice(3, size=len(app_d), p=[0.6, 0.3, 0.1])
    ]
    ties["stakeholder_id"] = app_ids[home_app].tolist()
    ties["property_id"] = [
        city.prop_ids[city.compounds.u_prop[u]] for u in places.unit[app_d[home_app]].tolist()
    ]
    ties["relation"] = rel[home_app].tolist()
    rp = resp_person[home[resp_person]]
    ties["stakeholder_id"] += resp_person_ids[home[resp_person]].tolist()
    ties["property_id"] += [
        city.prop_ids[city.compounds.u_prop[u]] for u in places.unit2[rp].tolist()
    ]
    ties["relation"] += [owner] * len(rp)
    land = has_prop & (pk == 4)
    land_app = land[app_d] & apps.fresh
    ties["stakeholder_id"] += app_ids[land_app].tolist()
    ties["property_id"] += [city.prop_ids[p] for p in prop_index[app_d[land_app]].tolist()]
    ties["relation"] += [owner] * int(land_app.sum())
    coop_d = emp_d[(cat[emp_d] == CATEGORIES.index(Category.LAND_TRANSFER)) & has_prop[emp_d]]
    ties["stakeholder_id"] += emp_id_of_d[coop_d].tolist()
    ties["property_id"] += [city.prop_ids[p] for p in prop_index[coop_d].tolist()]
    ties["relation"] += [PropertyRelation.LESSEE.value] * len(coop_d)
    dev_cat = CATEGORIES.index(Category.HOUSING_DELIVERY_QUALITY)
    dev_d = emp_d[(cat[emp_d] == dev_cat) & ~places.is_rural[emp_d]]
    ties["stakeholder_id"] += emp_id_of_d[dev_d].tolist()
    ties["property_id"] += [
        city.prop_ids[city.compounds.xq_prop[x]] for x in places.xq[dev_d].tolist()
    ]
    ties["relation"] += [PropertyRelation.DEVELOPER.value] * len(dev_d)


def _write_employments(
    run: Run, cases: Cases, sides: Sides, apps: Applicants, persons: Persons, emps: Employers
) -> None:
    """Fresh applicants of labour disputes work (or worked) for the employer respondent."""
    rng, cat, reported, app_d = run.rng, cases.cat, cases.reported, apps.d
    labour_cats = [
        CATEGORIES.index(Category.WAGE_ARREARS),
        CATEGORIES.index(Category.LABOR_CONTRACT),
    ]
    labour = np.isin(cat, labour_cats) & np.isin(sides.resp, EMPLOYER_RESPONDENTS)
    la = labour[app_d] & apps.fresh
    since = reported[app_d[la]] - rng.integers(60, 1000, size=int(la.sum())) * DAY
    left = rng.random(int(la.sum())) < 0.45
    until = reported[app_d[la]] - rng.integers(0, 50, size=int(la.sum())) * DAY
    until = np.maximum(until, since)
    emp = run.out["employments"]
    emp["party_id"] = persons.app_ids[la].tolist()
    emp["employer_id"] = emps.id_of_d[app_d[la]].tolist()
    emp["since"] = iso_dates(since)
    emp["until"] = iso_dates(until, ~left)


def _write_reports(
    run: Run,
    d_ids: npt.NDArray[np.str_],
    cases: Cases,
    apps: Applicants,
    persons: Persons,
    handoffs: Handoffs,
) -> None:
    """The first contact, plus repeat contacts for some (open, petitioned, repeat petitioners)."""
    rng, n, channel, reported = run.rng, cases.n, cases.channel, cases.reported
    petition = np.isin(
        channel,
        [
            CHANNELS.index(c)
            for c in (Channel.PETITION_LETTER, Channel.PETITION_VISIT, Channel.PETITION_ONLINE)
        ],
    )
    lam = 0.12 + 0.5 * (cases.is_open & (cases.age_days > 30)) + 0.6 * petition + 0.8 * apps.reuse
    extra = np.minimum(rng.poisson(lam), 8)
    n_rep = 1 + extra
    r_d = np.repeat(np.arange(n), n_rep)
    r_k = np.arange(len(r_d)) - np.repeat(np.cumsum(n_rep) - n_rep, n_rep)
    end = np.where(handoffs.closed_status, handoffs.closed_at, run.window.now - 60)
    span = np.maximum(end - reported, 60)
    r_time = np.where(
        r_k == 0, reported[r_d], reported[r_d] + (rng.random(len(r_d)) * span[r_d]).astype(np.int64)
    )
    repeat_ch = np.asarray([CHANNELS.index(c) for c in _REPEAT_CHANNELS])
    r_ch = np.where(
        r_k == 0,
        channel[r_d],
        np.where(
            rng.random(len(r_d)) < 0.3,
            channel[r_d],
            repeat_ch[rng.choice(5, size=len(r_d), p=[0.5, 0.15, 0.05, 0.1, 0.2])],
        ),
    )
    anonymous_ch = np.isin(r_ch, [CHANNELS.index(c) for c in _ANONYMOUS_CHANNELS])
    r_rep = np.where(anonymous_ch, "", persons.app_ids[apps.first[r_d]])
    reports = run.out["reports"]
    reports["id"] = run.ids("R", "report", len(r_d), width=9)
    reports["dispute_id"] = d_ids[r_d].tolist()
    reports["channel"] = np.asarray(CHANNELS)[r_ch].tolist()
    reports["received_at"] = iso_times(r_time)
    reports["reporter_id"] = r_rep.tolist()


def _write_links(run: Run, d_ids: npt.NDArray[np.str_], cases: Cases, emps: Employers) -> None:
    """Disputes of one employer group, then duplicates and follow-ups within a community."""
    rng, n = run.rng, cases.n
    links = run.out["dispute_links"]
    if emps.n_groups:
        same = np.flatnonzero(emps.owner != np.arange(len(emps.d)))
        keep = same[rng.random(len(same)) < 0.4]
        links["dispute_id"] += d_ids[emps.d[keep]].tolist()
        links["other_id"] += d_ids[emps.d[emps.owner[keep]]].tolist()
        links["reason"] += [LinkReason.SAME_INCIDENT.value] * len(keep)
    key = cases.comm * 100 + cases.cat
    order = np.lexsort((cases.reported, key))
    adj = (
        np.flatnonzero((key[order][1:] == key[order][:-1]) & (rng.random(n - 1) < 0.04))
        if n > 1
        else np.zeros(0, np.int64)
    )
    later, earlier = order[adj + 1], order[adj]
    reasons = np.where(
        cases.status[earlier] == STATUSES.index(Status.REBOUNDED),
        LinkReason.REBOUND.value,
        np.where(
            rng.random(len(adj)) < 0.5, LinkReason.DUPLICATE.value, LinkReason.FOLLOW_UP.value
        ),
    )
    links["dispute_id"] += d_ids[later].tolist()
    links["other_id"] += d_ids[earlier].tolist()
    links["reason"] += reasons.tolist()
