"""The one exception tree of disputegraph.

::

    DisputeGraphError
    ├── ConfigError        a setting is missing or unsafe
    ├── SchemaError        an unknown kind, enum value or field
    ├── LoadError          a bundle could not be read or validated (carries the report)
    ├── StoreError         a store could not be opened, read or written
    ├── QueryError         a named query is unknown, malformed or not read-only
    ├── AnalysisError      analytics were asked for something they cannot compute
    ├── AuthError          a login was refused (wrong password, locked, unknown user)
    ├── AuditError         the audit log cannot be written or failed its integrity check
    └── BriefingError      the briefing pack cannot be produced (no analysis, no browser, bad path)

The CLI turns every one of them into a one-line message and exit code 2.
"""

from __future__ import annotations

__all__ = [
    "AnalysisError",
    "AuditError",
    "AuthError",
    "BriefingError",
    "ConfigError",
    "DisputeGraphError",
    "LoadError",
    "QueryError",
    "RuleError",
    "SchemaError",
    "StoreChanged",
    "StoreError",
    "WorkflowError",
]


class DisputeGraphError(Exception):
    """Root of every error disputegraph raises on purpose."""


class ConfigError(DisputeGraphError):
    """A setting is missing, malformed or unsafe for the chosen mode."""


class RuleError(ConfigError):
    """A warning rule is malformed: its file, line and the closest valid name are named."""


class SchemaError(DisputeGraphError):
    """An unknown node or edge kind, enum value or field."""


class LoadError(DisputeGraphError):
    """A bundle could not be read or validated."""


class StoreError(DisputeGraphError):
    """A store could not be opened, read or written."""


class StoreChanged(StoreError):
    """Another process committed since this one read: nothing was written."""


class QueryError(DisputeGraphError):
    """A named query is unknown, has bad parameters, or is not read-only."""


class AnalysisError(DisputeGraphError):
    """Analytics were asked for something they cannot compute."""


class AuthError(DisputeGraphError):
    """A login or account operation was refused."""


class AuditError(DisputeGraphError):
    """The audit log cannot be written, or it failed its integrity check."""


class BriefingError(DisputeGraphError):
    """The briefing pack cannot be produced (no analysis, no browser, bad output path)."""


class WorkflowError(DisputeGraphError):
    """An alert, watch or work order action is unknown, not allowed, or not possible now."""
