"""The city's own taxonomy: its categories (a tree) and channels, each mapped to the model's.

A source system classifies disputes its own way (the 12345 tree: 城乡建设 →
物业管理 → 物业服务收费, 劳动和社会保障 → 劳动关系 → 拖欠工资 …). The risk model knows
its own :class:`~disputegraph.schemas.Category` codes. A taxonomy file
(``Settings.taxonomy``, ``DISPUTEGRAPH_TAXONOMY``) says, for every city category,
its code, zh/en names, optional parent, the model category it counts as (inherited
from the parent when not given) and optionally its own sensitivity weight; and
for every city channel, the model :class:`~disputegraph.schemas.Channel`. The
format is documented in ``docs/mappings.md`` ("The city's own taxonomy");
``examples/taxonomy-12345.toml`` is a worked example.

A dispute keeps the city's code (``source_category``, ``source_channel``) beside
the model's; a mapping fills both from one source column, the dashboard shows
and filters by the city's names (a parent takes in its children), and the risk
analysis weighs a dispute by its city category's weight when one is given.

A bad file is one :class:`TaxonomyError` line naming the file, line, field,
value and the closest valid name.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from disputegraph.exceptions import ConfigError
from disputegraph.files import read_toml
from disputegraph.schemas import Category, Channel, LabeledEnum, Lang

__all__ = [
    "CityCategory",
    "CityChannel",
    "Taxonomy",
    "TaxonomyError",
    "load_taxonomy",
    "parse_taxonomy",
]

_CATEGORY_KEYS = ("code", "zh", "en", "parent", "category", "weight", "aliases")
_CHANNEL_KEYS = ("code", "zh", "en", "channel", "aliases")


class TaxonomyError(ConfigError):
    """A taxonomy file is malformed: one line naming file, line, field, value and fix."""


@dataclass(frozen=True, slots=True)
class CityCategory:
    """One category of the city's tree."""

    code: str
    zh: str
    en: str
    category: Category
    parent: str | None = None
    weight: float | None = None
    aliases: tuple[str, ...] = ()
    depth: int = 0

    def label(self, lang: Lang = "zh") -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True, slots=True)
class CityChannel:
    """One channel of the city (热线, 信访, 网格 …)."""

    code: str
    zh: str
    en: str
    channel: Channel
    aliases: tuple[str, ...] = ()

    def label(self, lang: Lang = "zh") -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(slots=True)
class Taxonomy:
    """A parsed taxonomy: categories in tree order (parents before children)."""

    name: str
    categories: dict[str, CityCategory] = field(default_factory=dict)
    channels: dict[str, CityChannel] = field(default_factory=dict)
    title: str | None = None
    _children: dict[str, list[str]] = field(default_factory=dict)
    _by_name: dict[str, set[str]] = field(default_factory=dict)
    _channel_by_name: dict[str, set[str]] = field(default_factory=dict)

    # -- categories ------------------------------------------------------
    def category_code(self, text: str) -> str | None:
        """The city code for a code, zh or en name, alias or ``parent/child`` path."""
        found = self._by_name.get(_fold(text), set())
        return next(iter(found)) if len(found) == 1 else None

    def ambiguous(self, text: str) -> list[str]:
        """The codes a name shared by several categories answers to (else empty)."""
        found = self._by_name.get(_fold(text), set())
        return sorted(found) if len(found) > 1 else []

    def category_names(self) -> list[str]:
        """Every accepted spelling (for suggestions)."""
        return _spellings(self.categories.values())

    def model_category(self, code: str) -> Category:
        return self.categories[code].category

    def weight(self, code: str | None) -> float | None:
        """The city category's own sensitivity weight (inherited from its parent)."""
        if code is None or code not in self.categories:
            return None
        return self.categories[code].weight

    def weights(self) -> dict[str, float]:
        """``{city code: weight}`` for every category that has one (own or inherited)."""
        return {c.code: c.weight for c in self.categories.values() if c.weight is not None}

    def subtree(self, code: str) -> set[str]:
        """The code and every descendant's code."""
        out: set[str] = set()
        todo = [code]
        while todo:
            c = todo.pop()
            if c in out:
                continue
            out.add(c)
            todo.extend(self._children.get(c, ()))
        return out

    def root(self, code: str) -> str:
        """The top-level category above ``code`` (itself when it has no parent)."""
        seen = 0
        while (parent := self.categories[code].parent) is not None and seen < 100:
            code, seen = parent, seen + 1
        return code

    def label(self, code: str | None, lang: Lang = "zh") -> str:
        if code is None:
            return ""
        found = self.categories.get(code)
        return found.label(lang) if found is not None else code

    def options(self, lang: Lang = "zh") -> list[dict[str, str]]:
        """Dropdown options in tree order, children indented under their parent."""
        return [
            {"label": "\u3000" * c.depth + c.label(lang), "value": c.code}
            for c in self.categories.values()
        ]

    # -- channels --------------------------------------------------------
    def channel_code(self, text: str) -> str | None:
        found = self._channel_by_name.get(_fold(text), set())
        return next(iter(found)) if len(found) == 1 else None

    def channel_names(self) -> list[str]:
        return _spellings(self.channels.values())

    def model_channel(self, code: str) -> Channel:
        return self.channels[code].channel

    def channel_label(self, code: str | None, lang: Lang = "zh") -> str:
        if code is None:
            return ""
        found = self.channels.get(code)
        return found.label(lang) if found is not None else code


def _spellings(entries: Iterable[CityCategory | CityChannel]) -> list[str]:
    """Every accepted spelling of the entries (code, zh, en, aliases), once, in order."""
    return list(dict.fromkeys(n for c in entries for n in (c.code, c.zh, c.en, *c.aliases)))


def _fold(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _close(value: str, choices: Iterable[str]) -> str:
    found = difflib.get_close_matches(str(value), list(choices), n=1, cutoff=0.4)
    return f" (did you mean {found[0]!r}?)" if found else ""


# ---------------------------------------------------------------------------
# locating a field in the file (tomllib gives no positions)


class _Lines:
    """Line numbers of ``[[section]]`` entries and their keys in the TOML text."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def entries(self, section: str) -> list[int]:
        pattern = re.compile(rf"^\s*\[\[\s*{re.escape(section)}\s*\]\]")
        return [i + 1 for i, line in enumerate(self.lines) if pattern.match(line)]

    def key_line(self, section: str, index: int, key: str) -> int | None:
        starts = self.entries(section)
        if index >= len(starts):
            return None
        start = starts[index]
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for number in range(start, len(self.lines)):
            line = self.lines[number]
            if line.lstrip().startswith("["):
                break
            if pattern.match(line):
                return number + 1
        return start


@dataclass
class _Reader:
    where: str
    lines: _Lines

    def fail(self, section: str, index: int, key: str | None, msg: str) -> TaxonomyError:
        line = self.lines.key_line(section, index, key or "code")
        at = f"{self.where}:{line}" if line is not None else self.where
        field_part = f" {section}[{index + 1}].{key}" if key else f" {section}[{index + 1}]"
        return TaxonomyError(f"{at}:{field_part}: {msg}")


def _text(reader: _Reader, section: str, i: int, raw: dict[str, Any], key: str) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise reader.fail(section, i, key, f"{value!r} must be a non-empty string")
    return value.strip()


def _enum(
    reader: _Reader, section: str, i: int, key: str, value: str, enum: type[LabeledEnum]
) -> Any:
    try:
        return enum.parse(value)
    except ValueError:
        raise reader.fail(
            section,
            i,
            key,
            f"{value!r} is not a {enum.__name__}{_close(value, enum.all_labels())}; "
            f"codes: {', '.join(enum.codes())}",
        ) from None


def _unknown_keys(reader: _Reader, section: str, i: int, raw: Any, known: tuple[str, ...]) -> None:
    if not isinstance(raw, dict):
        raise reader.fail(section, i, None, "must be a table (code = …, zh = …, en = …)")
    for key in raw:
        if key not in known:
            raise reader.fail(
                section,
                i,
                key,
                f"unknown field {key!r}{_close(key, known)}; fields: {', '.join(known)}",
            )


def _code(
    reader: _Reader, section: str, i: int, raw: Any, known: tuple[str, ...], noun: str
) -> str:
    """The ``code`` of entry ``i`` of ``section``, which must have one and no field
    outside ``known``."""
    _unknown_keys(reader, section, i, raw, known)
    code = _text(reader, section, i, raw, "code")
    if code is None:
        raise reader.fail(section, i, "code", f"missing: every {noun} needs its code")
    return code


def _aliases(reader: _Reader, section: str, i: int, raw: dict[str, Any]) -> tuple[str, ...]:
    value = raw.get("aliases", [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(a, str) and a.strip() for a in value):
        raise reader.fail(section, i, "aliases", f"{value!r} must be a list of names")
    return tuple(a.strip() for a in value)


def _categories(reader: _Reader, entries: list[Any]) -> Iterator[CityCategory]:
    section = "categories"
    raw_by_code: dict[str, tuple[int, dict[str, Any]]] = {}
    for i, raw in enumerate(entries):
        code = _code(reader, section, i, raw, _CATEGORY_KEYS, "category")
        if code in raw_by_code:
            first = reader.lines.key_line(section, raw_by_code[code][0], "code")
            raise reader.fail(section, i, "code", f"{code!r} is used twice (first on line {first})")
        raw_by_code[code] = (i, raw)
    built: dict[str, CityCategory] = {}

    def build(code: str, chain: tuple[str, ...]) -> CityCategory:
        if code in built:
            return built[code]
        i, raw = raw_by_code[code]
        zh = _text(reader, section, i, raw, "zh")
        if zh is None:
            raise reader.fail(section, i, "zh", f"missing: category {code!r} needs its zh name")
        en = _text(reader, section, i, raw, "en") or zh
        parent = _text(reader, section, i, raw, "parent")
        parent_cat: CityCategory | None = None
        if parent is not None:
            if parent not in raw_by_code:
                raise reader.fail(
                    section,
                    i,
                    "parent",
                    f"{parent!r} is not the code of a category{_close(parent, raw_by_code)}",
                )
            if parent in chain or parent == code:
                raise reader.fail(
                    section, i, "parent", f"{parent!r} makes a loop: {' → '.join((*chain, code))}"
                )
            parent_cat = build(parent, (*chain, code))
        model = _text(reader, section, i, raw, "category")
        if model is None:
            if parent_cat is None:
                raise reader.fail(
                    section,
                    i,
                    "category",
                    f"missing: top-level category {code!r} must name the model category it "
                    f"counts as; codes: {', '.join(Category.codes())}",
                )
            category = parent_cat.category
        else:
            category = _enum(reader, section, i, "category", model, Category)
        weight = raw.get("weight")
        if weight is not None:
            if (
                isinstance(weight, bool)
                or not isinstance(weight, int | float)
                or not 0 <= weight <= 1
            ):
                raise reader.fail(section, i, "weight", f"{weight!r} must be a number from 0 to 1")
            weight = float(weight)
        elif parent_cat is not None:
            weight = parent_cat.weight
        cat = CityCategory(
            code=code,
            zh=zh,
            en=en,
            category=category,
            parent=parent,
            weight=weight,
            aliases=_aliases(reader, section, i, raw),
            depth=0 if parent_cat is None else parent_cat.depth + 1,
        )
        built[code] = cat
        return cat

    for code in raw_by_code:
        build(code, ())
    # tree order: each root, then its children depth first, in file order
    children: dict[str | None, list[str]] = {}
    for code in raw_by_code:
        children.setdefault(built[code].parent, []).append(code)

    def walk(parent: str | None) -> Iterator[CityCategory]:
        for code in children.get(parent, ()):
            yield built[code]
            yield from walk(code)

    yield from walk(None)


def _channels(reader: _Reader, entries: list[Any]) -> Iterator[CityChannel]:
    section = "channels"
    seen: set[str] = set()
    for i, raw in enumerate(entries):
        code = _code(reader, section, i, raw, _CHANNEL_KEYS, "channel")
        if code in seen:
            raise reader.fail(section, i, "code", f"{code!r} is used twice")
        seen.add(code)
        zh = _text(reader, section, i, raw, "zh")
        if zh is None:
            raise reader.fail(section, i, "zh", f"missing: channel {code!r} needs its zh name")
        model = _text(reader, section, i, raw, "channel")
        if model is None:
            raise reader.fail(
                section,
                i,
                "channel",
                f"missing: channel {code!r} must name the model channel it counts as; "
                f"codes: {', '.join(Channel.codes())}",
            )
        yield CityChannel(
            code=code,
            zh=zh,
            en=_text(reader, section, i, raw, "en") or zh,
            channel=_enum(reader, section, i, "channel", model, Channel),
            aliases=_aliases(reader, section, i, raw),
        )


def _index(items: Iterable[Any], parents: dict[str, Any] | None) -> dict[str, set[str]]:
    """Every spelling (folded) → the codes that answer to it. A code always answers
    only for itself; a name two items share (其他 under several parents) answers for
    both, so it is ambiguous and only the code or ``parent/child`` finds one."""
    names: dict[str, set[str]] = {}
    for item in items:
        spellings = [item.zh, item.en, *item.aliases]
        if parents is not None and item.parent is not None:
            parent = parents[item.parent]
            spellings += [f"{parent.zh}/{item.zh}", f"{parent.en}/{item.en}"]
        for name in dict.fromkeys(_fold(s) for s in spellings):
            names.setdefault(name, set()).add(item.code)
    for item in items:
        names[_fold(item.code)] = {item.code}
    return names


def parse_taxonomy(data: dict[str, Any], *, where: str = "taxonomy", text: str = "") -> Taxonomy:
    """A :class:`Taxonomy` from parsed TOML (``text``: the file, for line numbers)."""
    reader = _Reader(where, _Lines(text))
    known = ("taxonomy", "categories", "channels")
    for key in data:
        if key not in known:
            raise TaxonomyError(
                f"{where}: unknown section {key!r}{_close(key, known)}; sections: "
                "[taxonomy], [[categories]], [[channels]]"
            )
    head = data.get("taxonomy", {})
    if not isinstance(head, dict):
        raise TaxonomyError(f"{where}: [taxonomy] must be a table (name = …, title = …)")
    cats = data.get("categories", [])
    chans = data.get("channels", [])
    if not isinstance(cats, list) or not isinstance(chans, list):
        raise TaxonomyError(
            f"{where}: write each category as [[categories]], each channel as [[channels]]"
        )
    if not cats and not chans:
        raise TaxonomyError(f"{where}: no [[categories]] and no [[channels]]: nothing to map")
    tax = Taxonomy(name=str(head.get("name", Path(where).stem)), title=head.get("title"))
    tax.categories = {c.code: c for c in _categories(reader, cats)}
    tax.channels = {c.code: c for c in _channels(reader, chans)}
    for c in tax.categories.values():
        if c.parent is not None:
            tax._children.setdefault(c.parent, []).append(c.code)
    tax._by_name = _index(list(tax.categories.values()), tax.categories)
    tax._channel_by_name = _index(list(tax.channels.values()), None)
    return tax


def load_taxonomy(path: Path | str) -> Taxonomy:
    """Read and check a taxonomy file (:class:`TaxonomyError` naming line and field)."""
    path = Path(path)
    data, text = read_toml(path, "taxonomy file", TaxonomyError)
    return parse_taxonomy(data, where=path.name, text=text)
