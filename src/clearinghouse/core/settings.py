"""Runtime settings, read from the environment (prefix CLEARINGHOUSE_) once per process."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8000
# A wildcard bind address names no host a reader can reach; links use loopback instead, and a
# public deployment sets CLEARINGHOUSE_BASE_URL.
WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::", "[::]"})


def local_url(host: str, port: int) -> str:
    """Where a server bound to host:port is reached from this machine."""
    if host in WILDCARD_HOSTS:
        host = DEFAULT_HOST
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address in a URL
    return f"http://{host}:{port}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CLEARINGHOUSE_", extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="Where the SQLite file, keys and files live")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; SQLite under data_dir if unset")
    base_url: str | None = Field(
        default=None,
        description="Public address in certificates and links; unset: derived from how the server was started",
    )
    max_body_bytes: int = 1_048_576
    max_upload_bytes: int = 200 * 1_048_576
    file_store_url: str | None = Field(default=None, description="fsspec URL for delivered files")
    download_link_seconds: int = 900
    quote_valid_seconds: int = 7 * 24 * 3600
    # Days an owner has to answer a content-claim dispute (and an uploader to escalate after).
    dispute_answer_days: int = Field(default=14, ge=1, le=365)
    payout_thresholds: dict[str, int] = Field(
        default_factory=dict,
        description='Minimum royalty payout per currency in minor units, e.g. {"CNY": 10000}; '
                    "under it earnings carry forward (docs/royalties.md)")
    # Load shedding (see docs/operations.md "Capacity"): requests handled at once, how many may
    # wait for a turn and for how long; past that the server answers 503 at once.
    max_active_requests: int = Field(default=8, ge=1, le=1000)
    max_queued_requests: int = Field(default=64, ge=0, le=100_000)
    queue_timeout_seconds: float = Field(default=1.0, gt=0, le=60)
    max_loop_lag_seconds: float = Field(default=0.5, gt=0, le=60)
    max_active_uploads: int = Field(default=4, ge=1, le=100)
    max_connections: int = Field(default=1000, ge=16, le=100_000)
    body_timeout_seconds: float = Field(default=30.0, gt=0, le=3600)
    db_pool_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    sqlite_busy_timeout_ms: int = Field(default=5000, ge=0, le=60_000)
    statement_timeout_ms: int = Field(default=30_000, ge=0, le=3_600_000)
    # Failed-authentication throttling (per process, in memory): see docs/api.md.
    auth_failures_per_client: int = Field(
        default=30, ge=1, description="Failed key attempts one client address may make per window")
    auth_failures_per_key_prefix: int = Field(
        default=10, ge=1, description="Failed attempts at one key prefix (`chk_<lookup>_`) per window")
    auth_failure_window_seconds: int = Field(
        default=300, ge=1, description="The moving window the two limits above count over")
    auth_record_seconds: float = Field(
        default=15.0, gt=0, description="How often failed attempts (audit) and keys' last use are written")
    demo_settles_payments: bool = Field(
        default=False, description="The demo only: a payment started on the web pages is marked "
        "paid at once, so the licence runs without a bank transfer (the page says so)")
    # Where licensees transfer the money (shown on the licence page and the pro-forma invoice);
    # a deployment sets its own, the defaults are the demo's.
    bank_account_name: str = Field(default="权利结算中心 Rights Clearinghouse (demo account)",
                                   description="The account holder licensees pay to")
    bank_name: str = Field(default="示例银行上海分行 Example Bank, Shanghai Branch",
                           description="The bank of the clearing account")
    bank_account_number: str = Field(default="6222 0210 0000 0000 000",
                                     description="The clearing account's number (or IBAN)")
    trusted_proxies: str = Field(
        default="", description="Comma-separated proxy addresses or networks whose X-Forwarded-For is "
        "believed; empty: the client address is the connection's peer")

    usage_cleaning: dict[str, Any] = Field(
        default_factory=dict, description="Event-log cleaning thresholds as JSON, e.g. "
        '{"burst_plays": 20, "disabled": ["many_ids"]}; unset fields keep their defaults '
        "(docs/usage-cleaning.md); checked when the server or a usage command starts")

    analytics_min_users: int = Field(
        default=50, ge=2, le=1_000_000,
        description="Usage analytics show no figure about fewer people than this (docs/analytics.md)")
    duckdb_memory_limit: str = Field(
        default="2GB", pattern=r"(?i)^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$",
        description="What royalty matching on DuckDB may hold in memory; beyond it DuckDB "
        "spills to duckdb_temp_dir (docs/royalties.md)")
    duckdb_temp_dir: Path | None = Field(
        default=None, description="Where DuckDB spills; unset: a folder of each run under "
        "<data_dir>/lake/_work, removed when the run ends")

    # Signed webhooks to platforms (docs/notices.md).
    webhook_max_attempts: int = Field(
        default=8, ge=1, le=50, description="Attempts at one webhook delivery before it is dead-lettered")
    webhook_timeout_seconds: float = Field(
        default=10.0, gt=0, le=120, description="How long one webhook attempt may take")
    webhook_allow_http_loopback: bool = Field(
        default=False, description="Accept plain-http webhook URLs to a loopback address (tests, "
        "development); otherwise https only")
    # Identification (docs/identification.md): reference and upload media are bounded in bytes
    # and in seconds, and decoded in a worker killed at the deadline or past the memory cap.
    media_max_bytes: int = Field(default=500 * 1_048_576, ge=1,
                                 description="Largest reference or upload file identification reads")
    media_max_seconds: float = Field(default=2 * 60 * 60, gt=0, le=2 * 60 * 60,
                                     description="Longest reference or upload, in seconds")
    media_worker_seconds: float = Field(default=300.0, gt=0,
                                        description="Deadline for decoding and fingerprinting one file")
    media_worker_memory_bytes: int = Field(default=1536 * 1_048_576, ge=64 * 1_048_576,
                                           description="Memory one decoding worker may take")

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_parse(cls, value: str) -> str:
        for part in value.split(","):
            if part.strip():
                ipaddress.ip_network(part.strip(), strict=False)  # ValueError names the bad entry
        return value

    @property
    def trusted_proxy_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        return tuple(ipaddress.ip_network(p.strip(), strict=False)
                     for p in self.trusted_proxies.split(",") if p.strip())

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'clearinghouse.sqlite3').resolve()}"

    @property
    def public_url(self) -> str:
        """The address certificates and links name (no trailing slash)."""
        return (self.base_url or local_url(DEFAULT_HOST, DEFAULT_PORT)).rstrip("/")

    def served_at(self, host: str, port: int) -> Settings:
        """These settings for a server started on host:port: a configured base_url wins."""
        if self.base_url:
            return self
        return self.model_copy(update={"base_url": local_url(host, port)})

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"

    @property
    def lake_dir(self) -> Path:
        """The usage lake (Parquet files of usage lines, see usage/lake.py)."""
        return self.data_dir / "lake"

    @property
    def files_url(self) -> str:
        return self.file_store_url or str((self.data_dir / "files").resolve())


@lru_cache
def get_settings() -> Settings:
    return Settings()
