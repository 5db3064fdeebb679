"""The briefing pack: a multi-page PDF (or one self-contained HTML file) for leaders.

Contents, in the pack's language (zh-CN or English):

1. cover — as-of date, window, scope (filters), data provenance (store, analysis
   time, projection sizes, risk configuration), who it is masked for;
2. key figures — open disputes, people, money owed, clusters per level, the
   weekly trend;
3. the top risk clusters, one page each — level, score and its change, key
   members (organisations and properties by name, persons counted), the
   network snapshot, the factor chart, the reasons, agencies involved;
4. overdue and bounced hand-offs — flagged cases and agency pairs with returns;
5. agency bottlenecks — the statistics and the overdue/bounce chart;
6. the backtest of the risk model — the latest stored ``backtest`` run:
   precision@k, median lead, Brier against the base rate, the largest
   categories, the planted truth's figures when scored against one;
7. legend and method note — node kinds, risk levels and their thresholds,
   factor weights, chain flags, masking.

Everything comes from :class:`~disputegraph.views.services.Services` for
one role (default ``analyst``: person names masked), so the pack shows exactly
what the dashboard shows that role. Charts are rendered by one reused kaleido
browser (:class:`~disputegraph.rendering.export.Exporter`) and embedded as
base64 ``data:`` URIs; every text is HTML-escaped. The PDF is the HTML printed
by headless Chromium (``--print-to-pdf``), which renders Chinese with the
installed Noto CJK fonts.

The package: ``data`` (what goes in, from the views), ``charts`` (the embedded
charts), ``markup`` (HTML pieces and the stylesheet), ``sections`` (one function
per section), ``pdf`` (printing), ``pack`` (building and writing).

>>> from disputegraph.briefing import write_briefing                  # doctest: +SKIP
>>> write_briefing(services, Path("brief.pdf"), ViewState(), top=10)  # doctest: +SKIP
"""

from __future__ import annotations

from disputegraph.briefing.pack import (
    DEFAULT_TOP,
    Briefing,
    BriefingResult,
    build_briefing,
    write_briefing,
)
from disputegraph.briefing.pdf import find_chromium, html_to_pdf
from disputegraph.exceptions import BriefingError

__all__ = [
    "DEFAULT_TOP",
    "Briefing",
    "BriefingError",
    "BriefingResult",
    "build_briefing",
    "find_chromium",
    "html_to_pdf",
    "write_briefing",
]
