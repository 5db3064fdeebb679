"""How people write a construction project's registered name (docs/mappings.md, "Names in
the text").

A register names a project ``长河人才公寓二期工程``; a message writes it as
registered, with ``项目`` or ``工地`` for ``工程``, without the street it is in
(``人才公寓二期项目``) or by its first two characters (``长河项目``). A leading
name that is also a division of the adcode table (``五常``: 五常市) is kept in one
form and dropped in another, since the register's street is as often a namesake::

    >>> project_aliases("五常人才公寓二期工程", "五常街道")
    ... # doctest: +NORMALIZE_WHITESPACE
    ['五常人才公寓二期项目', '五常人才公寓二期工程', '五常人才公寓二期工地',
     '人才公寓二期项目', '人才公寓二期工程', '人才公寓二期工地', '五常项目']
"""

from __future__ import annotations

import re

from disputegraph.ingest.extract import strip_place
from disputegraph.text import normalise_name

__all__ = ["project_aliases"]

_PROJECT_TAIL = re.compile(r"(?:工程项目|建设项目|项目|工程)$")
_STREET_TAIL = re.compile(r"(?:街道|镇|乡)$")


def project_aliases(name: str, street: str | None = None) -> list[str]:
    """The ways of writing a project's name, most complete first (each once)."""
    whole = _PROJECT_TAIL.sub("", normalise_name(name))
    cores = [whole, strip_place(whole)]
    place = _STREET_TAIL.sub("", street or "")
    for core in list(cores):
        if place and core.startswith(place) and len(core) - len(place) >= 4:
            cores.append(core[len(place) :])
    out: list[str] = []
    for core in cores:
        if len(core) < 2:
            continue
        for alias in (core + "项目", core + "工程", core + "工地"):
            if alias not in out:
                out.append(alias)
    if len(whole) >= 2:
        out.append(whole[:2] + "项目")  # 长河项目: the first two characters as registered
    return out
