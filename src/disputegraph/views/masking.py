"""Who may see what: the one masking policy of every front end.

``analyst`` and ``admin`` see person names masked (``张三`` → ``张*``) and id
numbers and phones only in their stored masked form; ``officer`` sees names in
full (docs/architecture.md §7). The dashboard, the briefing pack and the CLI
all mask through these functions.

>>> mask_name("张三丰")
'张**'
>>> mask_text("张三丰 与 李四 的纠纷", ["张三丰", "李四"])
'张** 与 李* 的纠纷'
"""

from __future__ import annotations

import getpass
import os
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from disputegraph.config import Settings
from disputegraph.exceptions import ConfigError
from disputegraph.i18n import enum_label
from disputegraph.schemas import GraphNode, Lang, NodeLabel
from disputegraph.store.protocol import GraphStore
from disputegraph.users import ROLES, Role, UserStore

__all__ = [
    "ROLES",
    "Role",
    "cli_role",
    "display_name",
    "is_person",
    "mask_name",
    "mask_names",
    "mask_rows",
    "mask_rows_of",
    "mask_text",
    "private_fields",
]

#: how much each role may see of a person (higher sees more)
_SIGHT = {"analyst": 0, "admin": 0, "officer": 1}


def mask_name(name: str) -> str:
    """Keep the first character, star the rest (``张三`` → ``张*``)."""
    name = name.strip()
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def is_person(node: GraphNode) -> bool:
    return node.label is NodeLabel.PARTY and node.props.get("kind", "person") == "person"


def display_name(node: GraphNode, role: Role, lang: Lang = "zh", short: bool = False) -> str:
    """What the screen shows for a node, masked for ``role``."""
    props = node.props
    if node.label is NodeLabel.DISPUTE:
        title = str(props.get("title") or node.id)
        return title[:14] + "…" if short and len(title) > 15 else title
    if node.label is NodeLabel.REPORT:
        return enum_label("channel", props.get("channel"), lang) or node.id
    name = str(props.get("name") or node.id)
    if is_person(node) and role != "officer":
        return mask_name(name)
    return name[:16] + "…" if short and len(name) > 17 else name


def private_fields(node: GraphNode) -> dict[str, str]:
    """Stored masked forms of id number and phone (raw values are never stored)."""
    return {
        k: str(v) for k, v in node.props.items() if k.endswith("_masked") and v not in (None, "")
    }


def mask_text(text: str, names: Iterable[str]) -> str:
    """``text`` with each of ``names`` masked (longer names first: 张三丰 before 张三)."""
    return name_masker(names)(text)


def name_masker(names: Iterable[str]) -> Callable[[str], str]:
    """:func:`mask_text` for many texts and one set of names: one pass over each text,
    the longest name matching at each place masked (the ranked grid masks every
    member's name in each of its thousands of cells)."""
    ordered = sorted({n for n in names if n}, key=lambda n: (-len(n), n))
    if not ordered:
        return lambda text: text
    masked = {n: mask_name(n) for n in ordered}
    pattern = re.compile("|".join(map(re.escape, ordered)))
    return lambda text: pattern.sub(lambda m: masked[m.group(0)], text)


def mask_names(text: str, nodes: Iterable[GraphNode]) -> str:
    """``text`` with the names of the persons among ``nodes`` masked."""
    return mask_text(text, (str(n.props.get("name", "")) for n in nodes if is_person(n)))


def mask_rows(
    rows: Sequence[dict[str, Any]], role: Role, persons: Iterable[GraphNode]
) -> list[dict[str, Any]]:
    """Rows whose text values are masked for ``role``: the names of ``persons``
    (the person nodes the rows name by id) are starred wherever they appear."""
    if _SIGHT[role] >= _SIGHT["officer"]:
        return list(rows)
    names = [str(n.props.get("name", "")) for n in persons if is_person(n)]
    if not any(names):
        return list(rows)
    mask = name_masker(names)

    def one(value: Any) -> Any:
        if isinstance(value, str):
            return mask(value)
        if isinstance(value, list):
            return [one(v) for v in value]
        if isinstance(value, dict):
            return {k: one(v) for k, v in value.items()}
        return value

    return [{k: one(v) for k, v in row.items()} for row in rows]


def mask_rows_of(
    store: GraphStore, rows: Sequence[dict[str, Any]], role: Role, ids: Iterable[str]
) -> list[dict[str, Any]]:
    """:func:`mask_rows` for the persons among the nodes ``ids`` (read from ``store``
    only when ``role`` may not see names)."""
    if _SIGHT[role] >= _SIGHT["officer"]:
        return list(rows)
    return mask_rows(rows, role, store.get_many(sorted(set(ids))))


def cli_role(settings: Settings, login: str | None = None) -> Role:
    """The role whose masking applies to the command line.

    The account of the OS user (``login``, default the current one) in the
    accounts file decides; ``DISPUTEGRAPH_ROLE`` may only lower it (an officer
    may ask for the analyst view, an analyst cannot raise it). With no account,
    ``DISPUTEGRAPH_ROLE`` applies, else ``analyst`` (masked).
    """
    wanted = os.environ.get("DISPUTEGRAPH_ROLE", "").strip().lower() or None
    if wanted is not None and wanted not in ROLES:
        raise ConfigError(
            f"DISPUTEGRAPH_ROLE={wanted!r} is not a role; use one of {', '.join(ROLES)}"
        )
    account = UserStore(settings.users_path).get(login or getpass.getuser())
    if account is None:
        return wanted or "analyst"
    if wanted is None or _SIGHT[wanted] > _SIGHT[account.role]:
        return account.role
    return wanted
