"""The view state of the dashboard and its URL form (deep links).

Everything a view depends on lives in the query string, so a copied URL
reproduces the view: the global filters (language, as-of date, window,
district, category, status, level) and the page's own parameters (cluster id,
drill-in group, traced entity, dispute).

>>> s = ViewState.from_query("?lang=en&district=东湖区&id=C-1")
>>> s.lang, s.district, s.cluster
('en', '东湖区', 'C-1')
>>> ViewState.from_query(s.to_query()) == s
True
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlencode

from disputegraph.schemas import Category, Lang, RiskLevel, Status

__all__ = ["FILTER_KEYS", "PAGE_KEYS", "ViewState"]

#: query keys of the global filters (kept when moving between pages)
FILTER_KEYS = ("lang", "as_of", "window", "district", "category", "status", "level")
#: query keys that belong to one page
PAGE_KEYS = ("id", "group", "entity", "dispute")

_WINDOWS = (30, 90, 180, 365, 730)


def _enum_code(enum: Any, value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(enum.parse(value).value)
    except ValueError:
        return None


#: a city category (the taxonomy's code) as the category filter holds it: ``city:0201``
CITY_PREFIX = "city:"
_CITY_CODE = re.compile(rf"{CITY_PREFIX}[\w.\-]{{1,40}}")


def _city_code(value: str | None) -> str | None:
    """A city category as it may stand in a URL (``city:<code>``, else ``None``)."""
    return value if value and _CITY_CODE.fullmatch(value) else None


def city_category(value: str | None) -> str | None:
    """The taxonomy code of a ``city:<code>`` filter value (else ``None``)."""
    if value and value.startswith(CITY_PREFIX):
        return value.removeprefix(CITY_PREFIX)
    return None


@dataclass(frozen=True)
class ViewState:
    """One view: global filters plus page parameters. Unknown or malformed
    values are dropped, never raised: a hand-edited URL still opens a page."""

    lang: Lang = "zh"
    as_of: date | None = None
    window: int | None = None
    district: str | None = None
    category: str | None = None
    status: str | None = None
    level: str | None = None
    cluster: str | None = None
    group: str | None = None
    entity: str | None = None
    dispute: str | None = None

    @classmethod
    def from_query(cls, search: str | None, default_lang: Lang = "zh") -> ViewState:
        """Parse ``?a=b&…`` (with or without the ``?``)."""
        raw = parse_qs((search or "").lstrip("?"), keep_blank_values=False)
        one = {k: v[0].strip() for k, v in raw.items() if v and v[0].strip()}
        return cls.from_values(one, default_lang)

    @classmethod
    def from_values(cls, values: dict[str, Any], default_lang: Lang = "zh") -> ViewState:
        """Build from query-style keys (``id`` is the cluster id)."""

        def text(key: str) -> str | None:
            value = values.get(key)
            return str(value).strip() or None if value not in (None, "") else None

        lang: Lang = (
            "en" if text("lang") == "en" else "zh" if text("lang") == "zh" else default_lang
        )
        as_of = None
        if text("as_of"):
            try:
                as_of = date.fromisoformat(str(text("as_of"))[:10])
            except ValueError:
                as_of = None
        window = None
        if text("window"):
            try:
                window = int(str(text("window")))
            except ValueError:
                window = None
            if window is not None and not 1 <= window <= 3650:
                window = None
        return cls(
            lang=lang,
            as_of=as_of,
            window=window,
            district=text("district"),
            category=_enum_code(Category, text("category")) or _city_code(text("category")),
            status=_enum_code(Status, text("status")) if text("status") != "open" else "open",
            level=_enum_code(RiskLevel, text("level")),
            cluster=text("id"),
            group=text("group"),
            entity=text("entity"),
            dispute=text("dispute"),
        )

    def to_values(self) -> dict[str, str]:
        """Query-style keys of the values that are set."""
        out: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None or (f.name == "lang" and value == "zh"):
                continue
            key = "id" if f.name == "cluster" else f.name
            out[key] = value.isoformat() if isinstance(value, date) else str(value)
        return out

    def to_query(self) -> str:
        """``?…`` (empty string when nothing is set)."""
        values = self.to_values()
        return "?" + urlencode(values) if values else ""

    def filters_only(self) -> ViewState:
        """The same global filters with no page parameters."""
        return replace(self, cluster=None, group=None, entity=None, dispute=None)

    def with_page(
        self,
        cluster: str | None = None,
        group: str | None = None,
        entity: str | None = None,
        dispute: str | None = None,
    ) -> ViewState:
        """Same filters, these page parameters (the others cleared)."""
        return replace(self, cluster=cluster, group=group, entity=entity, dispute=dispute)

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe dict (for a ``dcc.Store``)."""
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat() if self.as_of else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> ViewState:
        """Inverse of :meth:`as_dict` (tolerant of a missing store)."""
        if not data:
            return cls()
        values = dict(data)
        values["id"] = values.pop("cluster", None)
        return cls.from_values(values, "zh")

    def href(self, path: str) -> str:
        return path + self.to_query()


WINDOW_CHOICES = _WINDOWS
