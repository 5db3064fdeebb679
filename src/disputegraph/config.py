"""Settings: one :class:`Settings` object, built once at the edge and passed down.

Every setting can come from the environment with the prefix ``DISPUTEGRAPH_``;
nested settings use ``__`` (``DISPUTEGRAPH_NEO4J__PASSWORD``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from disputegraph.exceptions import ConfigError

__all__ = ["DEMO_PII_KEY", "Neo4jSettings", "NotifySettings", "Settings"]

#: The HMAC key used when none is configured. Only acceptable in demo mode:
#: hashes made with a public key can be reversed by brute force.
DEMO_PII_KEY = "disputegraph-demo-key-not-secret"


class Neo4jSettings(BaseModel):
    """How to reach Neo4j when ``store`` is a Bolt URI."""

    user: str = Field("neo4j", description="Neo4j user name.")
    password: SecretStr | None = Field(None, description="Neo4j password; none when auth is off.")
    database: str = Field("neo4j", description="Database to use (always passed explicitly).")
    batch_size: int = Field(5000, ge=1, description="Rows per UNWIND batch when loading.")
    home: Path | None = Field(
        None,
        description="The Neo4j home of the server (bin/neo4j, bin/neo4j-admin, conf/): "
        "`load --bulk` stops the server, imports an empty database with neo4j-admin and "
        "starts it again.",
    )


class NotifySettings(BaseModel):
    """Optional outbound notification of raised alerts (``DISPUTEGRAPH_NOTIFY__…``):
    e-mail when ``smtp_host`` and ``smtp_to`` are set, a webhook POST when
    ``webhook_url`` is set; neither by default."""

    smtp_host: str | None = Field(None, description="SMTP server to send alert e-mails through.")
    smtp_port: int = Field(25, ge=1, le=65535, description="SMTP port.")
    smtp_starttls: bool = Field(False, description="Upgrade the SMTP connection with STARTTLS.")
    smtp_user: str | None = Field(None, description="SMTP login, if the server asks for one.")
    smtp_password: SecretStr | None = Field(None, description="SMTP password.")
    smtp_from: str = Field("disputegraph@localhost", description="The e-mails' sender address.")
    smtp_to: str = Field("", description="Recipients, comma-separated.")
    webhook_url: str | None = Field(
        None, description="Intranet address (http:// or https://) that receives each alert as JSON."
    )
    timeout_seconds: float = Field(10.0, gt=0, description="Give up one attempt after this long.")
    retry_seconds: float = Field(
        60.0, gt=0, description="Wait before the first retry; doubled after each failure."
    )
    retry_max_seconds: float = Field(3600.0, gt=0, description="The longest wait between tries.")
    dashboard_url: str | None = Field(
        None, description="The dashboard's address, linked from each notification."
    )

    @field_validator("webhook_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError(f"webhook_url must start with http:// or https://, not {value!r}")
        return value or None

    @property
    def recipients(self) -> list[str]:
        return [a.strip() for a in self.smtp_to.split(",") if a.strip()]


class Settings(BaseSettings):
    """All settings of disputegraph."""

    model_config = SettingsConfigDict(
        env_prefix="DISPUTEGRAPH_",
        env_nested_delimiter="__",
        extra="ignore",
    )

    store: str = Field(
        "memory",
        description="`memory` for the embedded store, or a Neo4j URI "
        "(bolt://, neo4j://, neo4j+s://, bolt+s://).",
    )
    workspace: Path = Field(
        Path(".disputegraph"),
        description="Folder for the memory-store snapshot, analysis results and rejects.",
    )
    timezone: str = Field(
        "Asia/Shanghai", description="Time zone for naive datetimes in input files."
    )
    pii_key: SecretStr | None = Field(
        None,
        description="HMAC-SHA256 key for hashing id numbers and phones; "
        "required outside demo mode.",
    )
    demo: bool = Field(False, description="Demo mode: allows the built-in PII key.")
    risk_config: Path | None = Field(
        None, description="TOML file overriding the shipped risk weights, bands and time limits."
    )
    rules: Path | None = Field(
        None,
        description="TOML file of warning rules added to (or replacing, by id) the shipped ones.",
    )
    taxonomy: Path | None = Field(
        None,
        description="TOML file of the city's own categories (a tree) and channels, each "
        "mapped to the model's; the dashboard shows the city's names.",
    )
    boundaries: Path | None = Field(
        None,
        description="GeoJSON of the district, street and grid boundaries the map page draws "
        "(features with `level` and `name`; the synthetic city writes boundaries.geojson).",
    )
    validator: Literal["columnar", "rowwise"] = Field(
        "rowwise",
        description="How a load checks rows: `rowwise` (every row through the row model, the "
        "reference path) or `columnar` (checks derived from the row models, run column by "
        "column; rows they cannot vouch for go through the row model). Same report, rejects "
        "and graph; columnar validates 1.5x faster but a whole load is not yet faster "
        "(bench/README.md), so it is a choice, not the default.",
    )
    keep_analysis: bool = Field(
        True,
        description="Whether a process that analyses again after each ingest (`watch`, "
        "`serve`) keeps its last analysis, so that the next one of the same day scores only "
        "what the new rows reach; the same result, for about one more analysis's memory "
        "(bench/README.md).",
    )
    neo4j: Neo4jSettings = Field(default_factory=Neo4jSettings)
    notify: NotifySettings = Field(default_factory=NotifySettings)
    language: Literal["zh", "en"] = Field("zh", description="Default display language.")
    secret_key: SecretStr | None = Field(
        None,
        description="Key that signs dashboard session cookies; required to serve outside "
        "demo mode (a long random secret, e.g. `python -c 'import secrets; "
        "print(secrets.token_urlsafe(48))'`).",
    )
    cookie_secure: bool = Field(
        False,
        description="Send the session cookie only over HTTPS (set it when the dashboard "
        "is behind TLS).",
    )
    session_hours: float = Field(8.0, gt=0, description="A dashboard login lasts this many hours.")
    users_file: Path | None = Field(
        None, description="Dashboard accounts (default `<workspace>/users.json`)."
    )
    audit_log: Path | None = Field(
        None, description="Append-only audit log (default `<workspace>/audit.jsonl`)."
    )
    audit_key: SecretStr | None = Field(
        None,
        description="Optional HMAC key for the audit hash chain: without it anyone who can "
        "write the file can recompute the chain; with it they also need the key.",
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except Exception as exc:  # ZoneInfoNotFoundError or ValueError on odd input
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def uses_neo4j(self) -> bool:
        return self.store != "memory"

    @property
    def users_path(self) -> Path:
        """Where the dashboard accounts live."""
        return self.users_file or self.workspace / "users.json"

    @property
    def audit_path(self) -> Path:
        """Where the audit log lives."""
        return self.audit_log or self.workspace / "audit.jsonl"

    def pii_key_bytes(self) -> bytes:
        """The HMAC key; the demo key is only handed out in demo mode."""
        if self.pii_key is not None and self.pii_key.get_secret_value():
            return self.pii_key.get_secret_value().encode("utf-8")
        if self.demo:
            return DEMO_PII_KEY.encode("utf-8")
        raise ConfigError(
            "no PII key configured: set DISPUTEGRAPH_PII_KEY to a long random secret "
            "(or use demo mode for synthetic data)"
        )
