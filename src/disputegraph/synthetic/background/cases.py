"""The first draws of a chunk: each dispute's category, time, place, status, property and sides.

One array element per dispute of the chunk. The functions draw from the chunk's
stream in the order :func:`~disputegraph.synthetic.background.chunk.background_chunk`
calls them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from disputegraph.schemas.enums import Category, Status
from disputegraph.synthetic.background.tables import (
    AMOUNT,
    CAT_P,
    CATEGORIES,
    CH_P,
    GEO,
    PROP,
    PROP_P,
    RESP,
    RESP_KINDS,
)
from disputegraph.synthetic.city import City
from disputegraph.synthetic.handling import CHANNELS, STATUSES
from disputegraph.synthetic.timing import DAY, Window

__all__ = ["Cases", "Places", "Sides", "draw_cases", "draw_places", "draw_sides", "pick"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

_OPEN_DRAWN = (
    Status.REPORTED,
    Status.ACCEPTED,
    Status.IN_MEDIATION,
    Status.FAILED,
    Status.LITIGATED,
    Status.REBOUNDED,
)
_CLOSED_DRAWN = (Status.RESOLVED, Status.CLOSED, Status.WITHDRAWN, Status.NOT_ACCEPTED)


def pick(rng: np.random.Generator, start: IntArray, count: IntArray) -> IntArray:
    """A uniform index in ``[start, start + count)`` per element (count may be 0: returns start)."""
    return start + np.floor(rng.random(len(start)) * np.maximum(count, 1)).astype(np.int64)


@dataclass(frozen=True)
class Cases:
    """What, when and where: indices into the tables, the city and the handling codes."""

    cat: IntArray
    age_days: IntArray
    reported: IntArray
    comm: IntArray
    street: IntArray
    district: IntArray
    grid: IntArray
    channel: IntArray
    is_open: BoolArray
    status: IntArray

    @property
    def n(self) -> int:
        return len(self.cat)


@dataclass(frozen=True)
class Places:
    """The property a dispute concerns (``prop_index`` -1: none) and the homes near it."""

    is_rural: BoolArray
    xq: IntArray
    unit: IntArray
    unit2: IntArray  # a second unit of the building (a neighbour respondent's)
    kind: IntArray  # index into PROP_KINDS
    has_prop: BoolArray
    prop_index: IntArray


@dataclass(frozen=True)
class Sides:
    """How many applicants, who responds, and the people and money at stake."""

    n_app: IntArray
    resp: IntArray  # index into RESP_KINDS
    manager: IntArray  # property-manager employer row, or -1
    family: BoolArray
    headcount: IntArray
    amount: FloatArray
    has_amount: BoolArray

    @property
    def manager_responds(self) -> BoolArray:
        return np.asarray(self.resp == RESP_KINDS.index("manager"), dtype=bool)


def draw_cases(rng: np.random.Generator, n: int, city: City, window: Window) -> Cases:
    """Category, report time, community and grid, channel and status of ``n`` disputes."""
    t0 = window.t0
    cat = rng.choice(len(CATEGORIES), size=n, p=CAT_P)
    age_days = np.floor(window.days * rng.random(n) ** 1.35).astype(np.int64)
    sec_of_day = rng.integers(8 * 3600, 20 * 3600, size=n)
    reported = np.minimum(t0 - age_days * DAY + sec_of_day, window.now - 600)

    urban = np.flatnonzero(~city.comm_rural)
    rural = np.flatnonzero(city.comm_rural)
    geo = GEO[cat]
    comm = np.where(
        geo == 0,
        urban[rng.integers(0, len(urban), size=n)],
        np.where(
            geo == 1,
            rural[rng.integers(0, len(rural), size=n)],
            rng.integers(0, city.n_communities, size=n),
        ),
    )
    street = city.comm_street[comm]
    district = city.street_district[street]
    grid = pick(rng, city.comm_grid_start[comm], city.comm_grid_n[comm])

    channel = np.empty(n, dtype=np.int64)
    for c in range(len(CATEGORIES)):
        m = cat == c
        if m.any():
            channel[m] = rng.choice(len(CHANNELS), size=int(m.sum()), p=CH_P[c])

    p_open = np.select([age_days < 30, age_days < 90, age_days < 180], [0.65, 0.3, 0.12], 0.04)
    is_open = rng.random(n) < p_open
    open_codes = np.array([STATUSES.index(s) for s in _OPEN_DRAWN])
    closed_codes = np.array([STATUSES.index(s) for s in _CLOSED_DRAWN])
    status = np.where(
        is_open,
        open_codes[rng.choice(6, size=n, p=[0.15, 0.3, 0.35, 0.07, 0.08, 0.05])],
        closed_codes[rng.choice(4, size=n, p=[0.64, 0.2, 0.1, 0.06])],
    )
    return Cases(cat, age_days, reported, comm, street, district, grid, channel, is_open, status)


def draw_places(rng: np.random.Generator, cases: Cases, city: City) -> Places:
    """The compound, building, unit or parcel each dispute concerns (if any)."""
    n, cat, comm = cases.n, cases.cat, cases.comm
    is_rural = city.comm_rural[comm]
    cx, vx = city.compounds, city.villages
    xq = np.where(is_rural, 0, pick(rng, cx.comm_xq_start[comm], cx.comm_xq_n[comm]))
    bld = pick(rng, cx.xq_b_start[xq], cx.xq_b_n[xq])
    unit = pick(rng, cx.b_u_start[bld], cx.b_u_n[bld])
    unit2 = pick(rng, cx.b_u_start[bld], cx.b_u_n[bld])
    parcel = np.where(is_rural, pick(rng, vx.comm_parcel_start[comm], vx.comm_parcel_n[comm]), 0)
    pk = PROP[cat]
    has_prop = (rng.random(n) < PROP_P[cat]) & (pk > 0)
    has_prop &= np.where(pk >= 4, is_rural, ~is_rural)
    prop_index = np.select(
        [pk == 1, pk == 2, pk == 3, pk == 4, pk == 5],
        [
            cx.xq_prop[xq],
            cx.b_prop[bld],
            cx.u_prop[unit],
            vx.parcel_prop[parcel] if len(vx.parcel_prop) else xq,
            vx.comm_village_prop[comm],
        ],
        -1,
    )
    return Places(is_rural, xq, unit, unit2, pk, has_prop, prop_index)


def draw_sides(rng: np.random.Generator, cases: Cases, places: Places, city: City) -> Sides:
    """Applicant counts, the respondent's kind, family members, headcount and amount."""
    n, cat = cases.n, cases.cat
    n_app = rng.choice([1, 2, 3], size=n, p=[0.78, 0.17, 0.05])
    resp = RESP[cat]
    manager = np.where(places.is_rural, -1, city.xq_manager[places.xq])
    none = RESP_KINDS.index("none")
    resp = np.where((resp == RESP_KINDS.index("manager")) & (manager < 0), none, resp)
    resp = np.where((resp == 0) & (rng.random(n) < 0.06), none, resp)
    family_cats = (Category.MARRIAGE_FAMILY, Category.INHERITANCE_SUPPORT, Category.EDUCATION)
    family = np.isin(cat, [CATEGORIES.index(c) for c in family_cats]) & (rng.random(n) < 0.3)
    headcount = n_app + (resp == 0)
    wage = cat == CATEGORIES.index(Category.WAGE_ARREARS)
    group_wage = wage & (rng.random(n) < 0.2)
    headcount = np.where(group_wage, n_app + rng.integers(2, 12, size=n), headcount)
    fraud = cat == CATEGORIES.index(Category.INVESTMENT_FRAUD)
    headcount = np.where(fraud, n_app + rng.integers(0, 20, size=n), headcount)

    amt_med, amt_sig, amt_share = AMOUNT[cat, 0], AMOUNT[cat, 1], AMOUNT[cat, 2]
    amount = amt_med * np.exp(rng.normal(0, 1, size=n) * amt_sig)
    amount = np.where(wage, np.minimum(amount * headcount**0.8, 800_000), amount)
    amount = np.clip(amount, 200, 5_000_000)
    has_amount = rng.random(n) < amt_share
    return Sides(n_app, resp, manager, family, headcount, amount, has_amount)
