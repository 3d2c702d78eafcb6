"""Settings read from the environment once (SES_* variables)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    database_url: str = ""
    """`postgresql://…` for PostgreSQL; an SQLite path (or nothing: ./ses.sqlite) otherwise."""
    secret_key: str = field(default_factory=lambda: secrets.token_hex(32))
    """Signs session cookies and CSRF tokens. Set it in deployments so sessions survive restarts."""
    environment: str = "development"
    debug: bool = False
    max_page_size: int = 200
    default_page_size: int = 50
    max_request_bytes: int = 2 * 1024 * 1024
    max_upload_bytes: int = 25 * 1024 * 1024
    upload_max_rows: int = 250_000
    """Rows of an uploaded table, empty rows of a sheet included."""
    upload_max_columns: int = 200
    upload_max_unpacked_bytes: int = 512 * 1024 * 1024
    """An uploaded XLSX unpacked: all its parts together, and any one worksheet."""
    upload_max_part_bytes: int = 16 * 1024 * 1024
    """Any other part of an uploaded XLSX unpacked (document properties, styles)."""
    upload_max_seconds: float = 120.0
    """Time to read one uploaded file."""
    scheduler_enabled: bool = False
    external_jobs: bool = True
    """Schedule the jobs that call public registers' APIs (`ScheduledJob.reaches_outside`)."""
    secure_cookies: bool = False
    """Mark cookies Secure; turn on whenever SES is served over HTTPS."""
    data_dir: Path = Path(".")
    log_level: str = "INFO"
    session_hours: int = 12
    """A browser session ends this many hours after sign-in (and at sign-out)."""
    login_slowdown: float = 1.0
    """Multiplies the wait after failed sign-ins (tests set 0 so they do not sleep)."""
    region_code: str = "04"
    """The ROPS's voivodeship (TERYT, 2 digits): the region its coverage indicators count."""
    krs_url: str = "https://api-krs.ms.gov.pl/api/krs"
    """Base URL of the KRS open API (an intranet proxy or a local stand-in may take its place)."""
    krs_rate: float = 1.0
    """Requests per second to the KRS API (0: no limit, for a local stand-in only)."""
    bdl_url: str = "https://bdl.stat.gov.pl/api/v1"
    """Base URL of the GUS BDL API."""
    bdl_rate: float = 4.0
    """Requests per second to BDL (its anonymous quota is 5/s)."""
    bdl_client_id: str = ""
    """BDL `X-ClientId` key (optional; raises BDL's quotas)."""
    bdl_population_variable: str = "72305"
    """BDL variable id of total population."""
    contact_email: str = "rops@example.invalid"
    """Named in the User-Agent of every request SES makes to a public source."""
    http_cache_path: str = ""
    """SQLite file of the HTTP cache of public sources (empty: no cache)."""
    smtp_host: str = ""
    """SMTP server for reminder e-mails (empty: reminders stay in the outbox only)."""
    smtp_port: int = 25
    smtp_sender: str = "ses@example.invalid"
    reminder_recipients: str = ""
    """Comma-separated addresses that receive reminder e-mails."""

    @property
    def is_sqlite(self) -> bool:
        return not self.database_url.startswith(("postgres://", "postgresql://"))

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            database_url=env.get("SES_DATABASE_URL", ""),
            secret_key=env.get("SES_SECRET_KEY") or secrets.token_hex(32),
            environment=env.get("SES_ENVIRONMENT", "development"),
            debug=_flag("SES_DEBUG", False),
            max_page_size=int(env.get("SES_MAX_PAGE_SIZE", "200")),
            max_request_bytes=int(env.get("SES_MAX_REQUEST_BYTES", str(2 * 1024 * 1024))),
            max_upload_bytes=int(env.get("SES_MAX_UPLOAD_BYTES", str(25 * 1024 * 1024))),
            upload_max_rows=int(env.get("SES_UPLOAD_MAX_ROWS", str(cls.upload_max_rows))),
            upload_max_columns=int(env.get("SES_UPLOAD_MAX_COLUMNS", str(cls.upload_max_columns))),
            upload_max_unpacked_bytes=int(
                env.get("SES_UPLOAD_MAX_UNPACKED_BYTES", str(cls.upload_max_unpacked_bytes))
            ),
            upload_max_part_bytes=int(env.get("SES_UPLOAD_MAX_PART_BYTES", str(cls.upload_max_part_bytes))),
            upload_max_seconds=float(env.get("SES_UPLOAD_MAX_SECONDS", str(cls.upload_max_seconds))),
            scheduler_enabled=_flag("SES_SCHEDULER", False),
            external_jobs=_flag("SES_EXTERNAL_JOBS", True),
            secure_cookies=_flag("SES_SECURE_COOKIES", False),
            data_dir=Path(env.get("SES_DATA_DIR", ".")),
            log_level=env.get("SES_LOG_LEVEL", "INFO"),
            session_hours=int(env.get("SES_SESSION_HOURS", "12")),
            login_slowdown=float(env.get("SES_LOGIN_SLOWDOWN", "1")),
            region_code=env.get("SES_REGION", "04"),
            krs_url=env.get("SES_KRS_URL", cls.krs_url).rstrip("/"),
            krs_rate=float(env.get("SES_KRS_RATE", str(cls.krs_rate))),
            bdl_url=env.get("SES_BDL_URL", cls.bdl_url).rstrip("/"),
            bdl_rate=float(env.get("SES_BDL_RATE", str(cls.bdl_rate))),
            bdl_client_id=env.get("SES_BDL_CLIENT_ID", ""),
            bdl_population_variable=env.get("SES_BDL_POPULATION_VARIABLE", cls.bdl_population_variable),
            contact_email=env.get("SES_CONTACT_EMAIL", cls.contact_email),
            http_cache_path=env.get("SES_HTTP_CACHE", ""),
            smtp_host=env.get("SES_SMTP_HOST", ""),
            smtp_port=int(env.get("SES_SMTP_PORT", "25")),
            smtp_sender=env.get("SES_SMTP_SENDER", cls.smtp_sender),
            reminder_recipients=env.get("SES_REMINDER_RECIPIENTS", ""),
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()
