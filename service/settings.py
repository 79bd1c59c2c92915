"""Every setting, read from the environment in one place (the README lists them all)."""

import os
from dataclasses import dataclass, fields
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # a checkout; in an installed wheel, site-packages
# In a checkout, content/, translations/ and instance/ sit beside service/; installed, in the working folder.
HOME = ROOT if (ROOT / "content").is_dir() else Path.cwd()


class SettingsError(Exception):
    """A setting is missing or wrong; the message names it."""


@dataclass(frozen=True)
class Settings:
    twilio_auth_token: str = ""
    public_base_url: str = ""
    database_url: str = ""  # "": SQLite in instance_dir
    default_locale: str = "en"
    admin_password: str = ""
    allow_unsigned: bool = False
    clinic_contact: str = ""
    content_dir: Path = HOME / "content"
    translations_dir: Path = HOME / "translations"
    instance_dir: Path = HOME / "instance"  # the SQLite default and the last good content files
    reload_interval: float = 1.0
    flood_limit: int = 20  # messages per window before one phone is slowed down
    flood_window: float = 60.0  # seconds
    flood_quiet: float = 300.0  # seconds of silence after the slow-down reply
    limits_url: str = ""  # redis:// (or valkey://): the flood gate's windows, shared by every worker and host
    limits_key: str = ""  # the secret every host hashes senders with for those windows
    metrics_dir: str = ""  # prometheus_client's multiprocess folder (gunicorn.conf.py makes one)
    web_concurrency: int = 0  # gunicorn workers; 0: 2 x cores + 1
    port: int | None = None  # gunicorn's default is 8000, `make run`'s 5000

    @classmethod
    def from_env(cls, environ=os.environ) -> "Settings":
        """Read ``TWILIO_AUTH_TOKEN``, ``PUBLIC_BASE_URL``, ``DATABASE_URL``, ``TEXTLINE_*`` and the rest."""
        get = environ.get
        values = {
            "twilio_auth_token": get("TWILIO_AUTH_TOKEN", ""),
            "public_base_url": get("PUBLIC_BASE_URL", "").rstrip("/"),
            "database_url": get("DATABASE_URL", ""),
            "default_locale": get("TEXTLINE_DEFAULT_LOCALE") or cls.default_locale,
            "admin_password": get("TEXTLINE_ADMIN_PASSWORD", ""),
            "allow_unsigned": get("TEXTLINE_ALLOW_UNSIGNED", "") == "1",
            "clinic_contact": get("TEXTLINE_CLINIC_CONTACT", "").strip(),
            "content_dir": Path(get("TEXTLINE_CONTENT_DIR") or cls.content_dir),
            "translations_dir": Path(get("TEXTLINE_TRANSLATIONS_DIR") or cls.translations_dir),
            "instance_dir": Path(get("TEXTLINE_INSTANCE_DIR") or cls.instance_dir),
            "reload_interval": _number(environ, "TEXTLINE_RELOAD_INTERVAL", cls.reload_interval, float),
            "flood_limit": _number(environ, "TEXTLINE_FLOOD_LIMIT", cls.flood_limit, int),
            "flood_window": _number(environ, "TEXTLINE_FLOOD_WINDOW", cls.flood_window, float),
            "flood_quiet": _number(environ, "TEXTLINE_FLOOD_QUIET", cls.flood_quiet, float),
            "limits_url": get("TEXTLINE_LIMITS_URL", "").strip(),
            "limits_key": get("TEXTLINE_LIMITS_KEY", ""),
            "metrics_dir": get("PROMETHEUS_MULTIPROC_DIR", ""),
            "web_concurrency": _number(environ, "WEB_CONCURRENCY", cls.web_concurrency, int),
            "port": _number(environ, "PORT", None, int),
        }
        settings = cls(**values)
        settings.validate()
        return settings

    @property
    def database(self) -> str:
        """The SQLAlchemy URL counts are written to."""
        return self.database_url or f"sqlite:///{self.instance_dir / 'textline.db'}"

    @property
    def last_good_dir(self) -> Path:
        return self.instance_dir / "last-good"

    def replace(self, **overrides) -> "Settings":
        known = {f.name for f in fields(self)}
        unknown = set(overrides) - known
        if unknown:
            raise SettingsError(f"unknown settings: {', '.join(sorted(unknown))}")
        values = {f.name: getattr(self, f.name) for f in fields(self)} | overrides
        settings = Settings(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        if self.public_base_url and not self.public_base_url.startswith(("http://", "https://")):
            raise SettingsError(f"PUBLIC_BASE_URL must start with https:// (got {self.public_base_url!r})")
        if self.database_url and "://" not in self.database_url:
            raise SettingsError(
                f"DATABASE_URL must be an SQLAlchemy URL such as postgresql+psycopg://... (got {self.database_url!r})"
            )
        if self.limits_url and len(self.limits_key) < 16:
            raise SettingsError(
                "TEXTLINE_LIMITS_URL is set, so TEXTLINE_LIMITS_KEY must be too: one secret of 16 characters or "
                "more, the same on every host (senders are kept in Redis only as a keyed hash of their number)"
            )
        for name, value in (
            ("TEXTLINE_FLOOD_LIMIT", self.flood_limit),
            ("TEXTLINE_FLOOD_WINDOW", self.flood_window),
            ("TEXTLINE_FLOOD_QUIET", self.flood_quiet),
            ("PORT", self.port or 1),
        ):
            if value <= 0:
                raise SettingsError(f"{name} must be above 0 (got {value})")

    def require_production(self) -> None:
        """Refuse to serve production traffic unsigned, unless told to."""
        if not self.twilio_auth_token and not self.allow_unsigned:
            raise SettingsError(
                "TWILIO_AUTH_TOKEN is not set: every webhook request would be accepted unsigned. "
                "Set it to your Twilio auth token, or set TEXTLINE_ALLOW_UNSIGNED=1 for a local trial."
            )


def _number(environ, name: str, default, kind):
    text = environ.get(name, "").strip()
    if not text:
        return default
    try:
        return kind(text)
    except ValueError:
        raise SettingsError(f"{name} must be a number (got {text!r})") from None
