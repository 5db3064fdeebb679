"""The city's administrative divisions: districts → streets/townships → communities/villages
→ grids.

Streets and communities are drawn from their own seeded streams (one per district, one
per street), so district 0 (城东区) looks the same at every scale; the grids come from
the city's stream.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from disputegraph.synthetic.names import (
    COMMUNITY_WORDS,
    DISTRICT_NAMES,
    STREET_WORDS,
    TOWN_WORDS,
    VILLAGE_WORDS,
)

__all__ = ["Divisions", "build_divisions"]

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Divisions:
    """Each level as parallel lists (indices are positions; a child names its parent)."""

    #: (name, administrative code, rural?) per district
    districts: list[tuple[str, str, bool]]
    street_district: list[int]
    street_name: list[str]
    street_rural: list[bool]
    comm_street: list[int]
    comm_name: list[str]
    comm_rural: list[bool]
    #: per community: how many grids, and the first
    comm_grid_n: IntArray
    comm_grid_start: IntArray
    grid_comm: IntArray
    grid_name: list[str]

    @property
    def n_communities(self) -> int:
        return len(self.comm_name)

    def district_of_comm(self, c: int) -> tuple[str, str, bool]:
        return self.districts[self.street_district[self.comm_street[c]]]


def _district_count(scale: int) -> int:
    if scale <= 20_000:
        return 4
    return int(min(len(DISTRICT_NAMES), 4 + round(2 * np.log10(scale / 20_000))))


def _streets(
    seed: int, districts: list[tuple[str, str, bool]]
) -> tuple[list[int], list[str], list[bool]]:
    """6-9 streets or townships per district, each district from its own stream."""
    street_district: list[int] = []
    street_name: list[str] = []
    street_rural: list[bool] = []
    used_streets: set[str] = set()
    for d, (_dname, _code, rural) in enumerate(districts):
        drng = np.random.default_rng([seed, 101, d])
        n_streets = int(drng.integers(6, 10))
        words = TOWN_WORDS if rural else STREET_WORDS
        order = [w for w in drng.permutation(len(words)).tolist() if words[w] not in used_streets]
        if len(order) < n_streets:  # pool exhausted in a big city: allow a repeated name
            order += [w for w in drng.permutation(len(words)).tolist() if w not in order]
        picks = order[:n_streets]
        used_streets.update(words[w] for w in picks)
        for k, w in enumerate(picks):
            is_rural = (rural and k > 0) or (not rural and k >= n_streets - 1 and d % 2 == 0)
            suffix = ("镇" if k % 3 else "乡") if is_rural else "街道"
            street_district.append(d)
            street_name.append(words[w] + suffix)
            street_rural.append(is_rural)
    return street_district, street_name, street_rural


def _communities(
    seed: int, scale: int, street_rural: list[bool]
) -> tuple[list[int], list[str], list[bool]]:
    """Communities (villages on rural streets) per street grow with the scale; each street
    draws from its own stream, so the first communities are stable."""
    n_streets_total = len(street_rural)
    target = int(np.clip(scale // 60, 40, 16_000))
    per_street = max(3, target // n_streets_total)
    comm_street: list[int] = []
    comm_name: list[str] = []
    comm_rural: list[bool] = []
    for s in range(n_streets_total):
        srng = np.random.default_rng([seed, 202, s])
        n = int(srng.integers(max(2, per_street * 3 // 4), per_street * 5 // 4 + 1))
        words = VILLAGE_WORDS if street_rural[s] else COMMUNITY_WORDS
        idx = srng.integers(0, len(words), size=n).tolist()
        seen: dict[str, int] = {}
        for w in idx:
            base = words[w]
            k = seen.get(base, 0)
            seen[base] = k + 1
            name = base if k == 0 else base + "东西南北中新前后上下"[(k - 1) % 10]
            comm_street.append(s)
            comm_name.append(name + ("村" if street_rural[s] else "社区"))
            comm_rural.append(street_rural[s])
    return comm_street, comm_name, comm_rural


def build_divisions(seed: int, scale: int, rng: np.random.Generator) -> Divisions:
    """The divisions for ``scale`` disputes; the grids (1-3 per community) from ``rng``."""
    districts = list(DISTRICT_NAMES[: _district_count(scale)])
    street_district, street_name, street_rural = _streets(seed, districts)
    comm_street, comm_name, comm_rural = _communities(seed, scale, street_rural)
    grid_n = rng.integers(1, 4, size=len(comm_name)).astype(np.int64)
    grid_start = np.concatenate([[0], np.cumsum(grid_n)[:-1]]).astype(np.int64)
    grid_comm = np.repeat(np.arange(len(comm_name), dtype=np.int64), grid_n)
    grid_k = np.arange(len(grid_comm)) - grid_start[grid_comm] + 1
    grid_name = [
        f"{street_name[comm_street[c]]}{comm_name[c]}第{k}网格"
        for c, k in zip(grid_comm.tolist(), grid_k.tolist(), strict=True)
    ]
    return Divisions(
        districts,
        street_district,
        street_name,
        street_rural,
        comm_street,
        comm_name,
        comm_rural,
        grid_n,
        grid_start,
        grid_comm,
        grid_name,
    )
