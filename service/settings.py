"""Every setting, read from the environment in one place."""

import os
from dataclasses import dataclass, fields
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class SettingsError(Exception):
    """A setting is missing or wrong; the message names it."""


@dataclass(frozen=True)
class Settings:
    twilio_auth_token: str = ""
    public_base_url: str = ""
    database_url: str = f"sqlite:///{ROOT / 'instance' / 'textline.db'}"
    default_locale: str = "en"
    admin_password: str = ""
    allow_unsigned: bool = False
    clinic_contact: str = ""
    content_dir: Path = ROOT / "content"
    translations_dir: Path = ROOT / "translations"
    reload_interval: float = 1.0

    @classmethod
    def from_env(cls, environ=os.environ) -> "Settings":
        """Read ``TWILIO_AUTH_TOKEN``, ``PUBLIC_BASE_URL``, ``DATABASE_URL`` and ``TEXTLINE_*``."""
        values = {
            "twilio_auth_token": environ.get("TWILIO_AUTH_TOKEN", ""),
            "public_base_url": environ.get("PUBLIC_BASE_URL", "").rstrip("/"),
            "database_url": environ.get("DATABASE_URL") or cls.database_url,
            "default_locale": environ.get("TEXTLINE_DEFAULT_LOCALE") or cls.default_locale,
            "admin_password": environ.get("TEXTLINE_ADMIN_PASSWORD", ""),
            "allow_unsigned": environ.get("TEXTLINE_ALLOW_UNSIGNED", "") == "1",
            "clinic_contact": environ.get("TEXTLINE_CLINIC_CONTACT", "").strip(),
        }
        settings = cls(**values)
        settings.validate()
        return settings

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
        if "://" not in self.database_url:
            raise SettingsError(f"DATABASE_URL must be an SQLAlchemy URL such as postgresql+psycopg://... (got {self.database_url!r})")

    def require_production(self) -> None:
        """Refuse to serve production traffic unsigned, unless told to."""
        if not self.twilio_auth_token and not self.allow_unsigned:
            raise SettingsError(
                "TWILIO_AUTH_TOKEN is not set: every webhook request would be accepted unsigned. "
                "Set it to your Twilio auth token, or set TEXTLINE_ALLOW_UNSIGNED=1 for a local trial."
            )
