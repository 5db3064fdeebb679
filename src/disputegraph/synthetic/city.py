"""The city's fixed frame: the divisions (:mod:`.divisions`), the residential compounds,
buildings, units and land parcels in them, the property managers, and the agencies at
every level with their ``reports_to`` tree (:mod:`.agencies`).

The first districts are built from their own seeded streams, so district 0 (城东区)
looks the same at every scale; agency ids are administrative codes
(``A-330102001-GOV``) and therefore stable too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from disputegraph.schemas.enums import EmployerKind, PropertyKind, PropertyRelation
from disputegraph.schemas.rows import EmployerRow, PropertyRow, PropertyTieRow
from disputegraph.synthetic.agencies import AGENCY_ROLES, build_agencies
from disputegraph.synthetic.divisions import Divisions, build_divisions
from disputegraph.synthetic.names import (
    CITY_NAME,
    COMMUNITY_WORDS,
    XQ_SUFFIX,
    company_names,
    credit_codes,
)

__all__ = ["AGENCY_ROLES", "City", "Columns", "Compounds", "Villages", "build_city"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
Columns = dict[str, list[str]]


@dataclass(frozen=True)
class Compounds:
    """Urban compounds (小区): per community a range of compounds, their buildings and the
    buildings' units."""

    comm_xq_start: IntArray
    comm_xq_n: IntArray
    xq_comm: IntArray
    xq_prop: IntArray
    xq_built: IntArray
    xq_b_start: IntArray
    xq_b_n: IntArray
    b_prop: IntArray
    b_u_start: IntArray
    b_u_n: IntArray
    b_xq: IntArray
    u_prop: IntArray


@dataclass(frozen=True)
class Villages:
    """Per rural community its village property and a range of land parcels."""

    comm_village_prop: IntArray
    comm_parcel_start: IntArray
    comm_parcel_n: IntArray
    parcel_prop: IntArray


@dataclass
class City:
    """Arrays describing the city frame (indices are positions in these arrays)."""

    districts: list[tuple[str, str, bool]]
    street_district: IntArray
    street_name: list[str]
    street_rural: npt.NDArray[np.bool_]
    comm_street: IntArray
    comm_name: list[str]
    comm_rural: npt.NDArray[np.bool_]
    comm_grid_start: IntArray
    comm_grid_n: IntArray
    grid_comm: IntArray
    grid_name: list[str]
    compounds: Compounds
    xq_manager: IntArray  # per compound: its manager's employer row index, or -1
    villages: Villages
    prop_ids: list[str]
    properties: Columns
    employers: Columns
    property_ties: Columns
    agencies: Columns
    #: role -> agency id per index of the role's level (district/street/community/grid)
    agency_of: dict[str, npt.NDArray[np.str_]] = field(default_factory=dict)
    comm_lat: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    comm_lon: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))

    @property
    def n_communities(self) -> int:
        return len(self.comm_name)


def _cols(*names: str) -> Columns:
    return {n: [] for n in names}


def _starts(counts: IntArray) -> IntArray:
    """The first index of each group of a flat array grouped by ``counts``."""
    return np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)


def _owners(counts: IntArray) -> IntArray:
    """For a flat array grouped by ``counts``: the group of each element."""
    return np.repeat(np.arange(len(counts), dtype=np.int64), counts)


class _Properties:
    """Appends properties (ids ``PR00000001`` …) to the ``properties`` columns."""

    def __init__(
        self, div: Divisions, rng: np.random.Generator, lat: FloatArray, lon: FloatArray
    ) -> None:
        self.div = div
        self.rng = rng
        self.lat = lat
        self.lon = lon
        self.cols = _cols(*PropertyRow.columns())
        self.ids: list[str] = []

    def add(
        self,
        kind: PropertyKind,
        names: list[str],
        comms: IntArray,
        parents: list[str],
        built: list[str],
        grids: list[str] | None = None,
        coords: bool = False,
    ) -> IntArray:
        """``names`` in communities ``comms``; their rows (positions in :attr:`ids`)."""
        div, props = self.div, self.cols
        start = len(self.ids)
        n = len(names)
        ids = [f"PR{i:08d}" for i in range(start + 1, start + n + 1)]
        self.ids.extend(ids)
        cl = comms.tolist()
        props["id"].extend(ids)
        props["kind"].extend([kind.value] * n)
        props["name"].extend(names)
        props["address"].extend(
            f"{CITY_NAME}{div.district_of_comm(c)[0]}{div.street_name[div.comm_street[c]]}{nm}"
            for c, nm in zip(cl, names, strict=True)
        )
        props["district"].extend(div.district_of_comm(c)[0] for c in cl)
        props["street"].extend(div.street_name[div.comm_street[c]] for c in cl)
        props["grid"].extend(grids if grids is not None else [""] * n)
        props["built_year"].extend(built)
        if coords:
            jitter = self.rng.normal(0, 0.004, size=(n, 2))
            props["lat"].extend(f"{v:.6f}" for v in (self.lat[comms] + jitter[:, 0]).tolist())
            props["lon"].extend(f"{v:.6f}" for v in (self.lon[comms] + jitter[:, 1]).tolist())
        else:
            props["lat"].extend([""] * n)
            props["lon"].extend([""] * n)
        props["part_of"].extend(parents)
        return np.arange(start, start + n, dtype=np.int64)


def _compounds(rng: np.random.Generator, div: Divisions, props: _Properties) -> Compounds:
    """1-3 compounds per urban community, 3-12 buildings each, 1-3 units per building."""
    cr = np.asarray(div.comm_rural, dtype=bool)
    urban = np.flatnonzero(~cr)
    xq_n = np.zeros(div.n_communities, dtype=np.int64)
    xq_n[urban] = rng.integers(1, 4, size=len(urban))
    xq_start = _starts(xq_n)
    xq_comm = _owners(xq_n)
    n_xq = len(xq_comm)
    xq_word = rng.integers(0, len(COMMUNITY_WORDS), size=n_xq).tolist()
    xq_sfx = rng.integers(0, len(XQ_SUFFIX), size=n_xq).tolist()
    xq_built = np.where(
        rng.random(n_xq) < 0.35,
        rng.integers(1982, 2000, size=n_xq),
        rng.integers(2000, 2023, size=n_xq),
    ).astype(np.int64)
    xq_names = [COMMUNITY_WORDS[w] + XQ_SUFFIX[s] for w, s in zip(xq_word, xq_sfx, strict=True)]
    xq_grid = [div.grid_name[div.comm_grid_start[c]] for c in xq_comm.tolist()]
    xq_prop = props.add(
        PropertyKind.RESIDENTIAL_COMMUNITY,
        xq_names,
        xq_comm,
        [""] * n_xq,
        [str(y) for y in xq_built.tolist()],
        xq_grid,
        coords=True,
    )
    b_n = rng.integers(3, 13, size=n_xq).astype(np.int64)
    b_start = _starts(b_n)
    b_xq = _owners(b_n)
    b_k = np.arange(len(b_xq)) - b_start[b_xq] + 1
    b_names = [f"{xq_names[x]}{k}幢" for x, k in zip(b_xq.tolist(), b_k.tolist(), strict=True)]
    b_prop = props.add(
        PropertyKind.BUILDING,
        b_names,
        xq_comm[b_xq],
        [props.ids[xq_prop[x]] for x in b_xq.tolist()],
        [str(y) for y in xq_built[b_xq].tolist()],
        [xq_grid[x] for x in b_xq.tolist()],
    )
    u_n = rng.integers(1, 4, size=len(b_xq)).astype(np.int64)
    u_start = _starts(u_n)
    u_b = _owners(u_n)
    u_k = np.arange(len(u_b)) - u_start[u_b] + 1
    u_prop = props.add(
        PropertyKind.UNIT,
        [f"{b_names[b]}{k}单元" for b, k in zip(u_b.tolist(), u_k.tolist(), strict=True)],
        xq_comm[b_xq[u_b]],
        [props.ids[b_prop[b]] for b in u_b.tolist()],
        [str(y) for y in xq_built[b_xq[u_b]].tolist()],
        [xq_grid[b_xq[b]] for b in u_b.tolist()],
    )
    return Compounds(
        xq_start, xq_n, xq_comm, xq_prop, xq_built, b_start, b_n, b_prop, u_start, u_n, b_xq, u_prop
    )


def _villages(rng: np.random.Generator, div: Divisions, props: _Properties) -> Villages:
    """One village per rural community, 4-12 parcels each in 8 village groups."""
    n_comm = div.n_communities
    grid_of = div.grid_name
    start_of = div.comm_grid_start
    rural_idx = np.flatnonzero(np.asarray(div.comm_rural, dtype=bool))
    village_prop = np.full(n_comm, -1, dtype=np.int64)
    village_prop[rural_idx] = props.add(
        PropertyKind.VILLAGE,
        [div.comm_name[c] for c in rural_idx.tolist()],
        rural_idx,
        [""] * len(rural_idx),
        [""] * len(rural_idx),
        [grid_of[start_of[c]] for c in rural_idx.tolist()],
        coords=True,
    )
    p_n = np.zeros(n_comm, dtype=np.int64)
    p_n[rural_idx] = rng.integers(4, 13, size=len(rural_idx))
    p_start = _starts(p_n)
    p_comm = _owners(p_n)
    p_k = np.arange(len(p_comm)) - p_start[p_comm] + 1
    group = rng.integers(1, 9, size=len(p_comm)).tolist()
    parcel_prop = props.add(
        PropertyKind.LAND_PARCEL,
        [
            f"{div.comm_name[c]}{g}组{k}号地块"
            for c, g, k in zip(p_comm.tolist(), group, p_k.tolist(), strict=True)
        ],
        p_comm,
        [props.ids[village_prop[c]] for c in p_comm.tolist()],
        [""] * len(p_comm),
        [grid_of[start_of[c]] for c in p_comm.tolist()],
        coords=True,
    )
    return Villages(village_prop, p_start, p_n, parcel_prop)


def _managers(
    rng: np.random.Generator,
    div: Divisions,
    xq: Compounds,
    prop_ids: list[str],
    used_names: set[str],
) -> tuple[Columns, Columns, IntArray]:
    """Most post-1998 compounds have a property manager; a manager runs 1-3 compounds of a
    street. The ``employers`` and ``property_ties`` columns and each compound's manager row."""
    employers = _cols(*EmployerRow.columns())
    ties = _cols(*PropertyTieRow.columns())
    n_xq = len(xq.xq_comm)
    xq_manager = np.full(n_xq, -1, dtype=np.int64)
    has = rng.random(n_xq) < np.where(xq.xq_built >= 1998, 0.85, 0.4)
    reuse = rng.random(n_xq) < 0.35
    last_by_street: dict[int, int] = {}
    new_mgr: list[int] = []
    for x in np.flatnonzero(has).tolist():
        s = div.comm_street[int(xq.xq_comm[x])]
        if reuse[x] and s in last_by_street:
            xq_manager[x] = last_by_street[s]
        else:
            xq_manager[x] = len(new_mgr)
            last_by_street[s] = len(new_mgr)
            new_mgr.append(x)
    mgr_district = [div.district_of_comm(int(xq.xq_comm[x])) for x in new_mgr]
    kind = EmployerKind.PROPERTY_MANAGER.value
    mgr_names = company_names(rng, [kind] * len(new_mgr), used_names)
    employers["id"].extend(f"E{i:08d}" for i in range(1, len(new_mgr) + 1))
    employers["name"].extend(mgr_names)
    employers["credit_code"].extend(credit_codes(rng, [d[1] for d in mgr_district]))
    employers["kind"].extend([kind] * len(new_mgr))
    employers["industry"].extend(["物业管理"] * len(new_mgr))
    employers["district"].extend(d[0] for d in mgr_district)
    for x in np.flatnonzero(xq_manager >= 0).tolist():
        ties["stakeholder_id"].append(employers["id"][int(xq_manager[x])])
        ties["property_id"].append(prop_ids[xq.xq_prop[x]])
        ties["relation"].append(PropertyRelation.MANAGER.value)
    return employers, ties, xq_manager


def build_city(seed: int, scale: int, used_names: set[str]) -> City:
    """The city frame for ``scale`` disputes (communities grow with the scale)."""
    rng = np.random.default_rng([seed, 303, scale])
    div = build_divisions(seed, scale, rng)
    sd = np.asarray(div.street_district, dtype=np.int64)
    cs = np.asarray(div.comm_street, dtype=np.int64)
    # coordinates: district centres around the city centre, communities around them
    n_districts = len(div.districts)
    d_lat = 30.27 + rng.normal(0, 0.08, size=n_districts)
    d_lon = 120.15 + rng.normal(0, 0.10, size=n_districts)
    c_lat = d_lat[sd[cs]] + rng.normal(0, 0.025, size=div.n_communities)
    c_lon = d_lon[sd[cs]] + rng.normal(0, 0.03, size=div.n_communities)
    props = _Properties(div, rng, c_lat, c_lon)
    xq = _compounds(rng, div, props)
    villages = _villages(rng, div, props)
    employers, ties, xq_manager = _managers(rng, div, xq, props.ids, used_names)
    agencies, agency_of = build_agencies(div)
    return City(
        districts=div.districts,
        street_district=sd,
        street_name=div.street_name,
        street_rural=np.asarray(div.street_rural, dtype=bool),
        comm_street=cs,
        comm_name=div.comm_name,
        comm_rural=np.asarray(div.comm_rural, dtype=bool),
        comm_grid_start=div.comm_grid_start,
        comm_grid_n=div.comm_grid_n,
        grid_comm=div.grid_comm,
        grid_name=div.grid_name,
        compounds=xq,
        xq_manager=xq_manager,
        villages=villages,
        prop_ids=props.ids,
        properties=props.cols,
        employers=employers,
        property_ties=ties,
        agencies=agencies,
        agency_of=agency_of,
        comm_lat=c_lat,
        comm_lon=c_lon,
    )
