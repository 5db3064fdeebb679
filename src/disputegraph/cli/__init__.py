"""The ``disputegraph`` command line (thin: it parses, calls the library, prints).

One module per command group; each registers its commands on the one typer
``app`` of :mod:`disputegraph.cli.common`. Exit codes: 0 success, 2 bad input
or usage (one-line message), 1 internal error.
"""

from __future__ import annotations

import sys

# The command modules register their commands on ``app`` when imported, in this
# order (the order of ``disputegraph --help``).
# isort: off
from disputegraph.cli import bundle, query, analysis, serve, generate  # noqa: F401
from disputegraph.cli import rules, workflow, brief, resolve, accounts  # noqa: F401
from disputegraph.cli import notify, backtest, tokens, watch  # noqa: F401

# isort: on
from disputegraph.cli.common import app, err

__all__ = ["app", "main"]


def main() -> None:
    """Console entry point."""
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
