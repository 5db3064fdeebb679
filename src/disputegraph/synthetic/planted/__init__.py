"""The planted patterns: small, fully specified situations the analytics must find.

They are built from their own seeded stream, with their own id range (``D9…``,
``P9…``, ``E9…``, ``PR9…``, ``R9…``) and their own properties, so they are the
same at every scale and never touch a background dispute, party, employer or
property (only the agencies are shared). See the package docstring of
:mod:`disputegraph.synthetic` for the list; one module per pattern, and
:mod:`.planter` writes their rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from disputegraph.synthetic.city import City, Columns
from disputegraph.synthetic.planted.benign import benign_manager
from disputegraph.synthetic.planted.elevator import elevator
from disputegraph.synthetic.planted.flagged import bounced, stalled
from disputegraph.synthetic.planted.onset import onset_escalations
from disputegraph.synthetic.planted.planter import Planter
from disputegraph.synthetic.planted.village import land_village
from disputegraph.synthetic.planted.wage_chain import wage_chain

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


def plant_patterns(
    city: City, seed: int, t0: int, out: dict[str, Columns], used_names: set[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Append every planted pattern's rows to ``out``; the pattern records and the
    escalation records (known onsets, benign twins) for ``_planted.json``."""
    p = Planter(city, t0, np.random.default_rng([seed, 909]), out, used_names=used_names)
    patterns = [
        wage_chain(p),
        elevator(p),
        land_village(p),
        benign_manager(p),
        bounced(p),
        stalled(p),
    ]
    return patterns, onset_escalations(p)
