"""The per-app objects: settings, the live library, the count store and the flood gate."""

import hashlib
from dataclasses import dataclass

from flask import current_app

from ..content import live_library
from ..core import LiveLibrary
from ..counts import CountStore
from ..settings import Settings
from .flood import FloodGate, MemoryWindows, SharedWindows, Windows


@dataclass
class Textline:
    settings: Settings
    library: LiveLibrary
    counts: CountStore
    flood: FloodGate
    warned_unsigned: bool = False

    @classmethod
    def start(cls, settings: Settings) -> "Textline":
        """Load content and catalogs; the database is not touched until the first count is written."""
        library = live_library(
            settings.content_dir,
            settings.translations_dir,
            settings.default_locale,
            settings.clinic_contact,
            settings.last_good_dir,
            settings.reload_interval,
        )
        key = hashlib.sha256(b"textline-sid:" + settings.twilio_auth_token.encode()).digest()
        windows: Windows = SharedWindows(settings.limits_url) if settings.limits_url else MemoryWindows()
        flood_key = (
            hashlib.sha256(b"textline-flood:" + settings.limits_key.encode()).digest() if settings.limits_url else None
        )
        flood = FloodGate(settings.flood_limit, settings.flood_window, settings.flood_quiet, windows, flood_key)
        counts = CountStore(settings.database, key, spool_dir=settings.instance_dir / "count-spool")
        return cls(settings, library, counts, flood)

    def close(self) -> None:
        """Write the counts still buffered (a graceful stop)."""
        self.counts.close()


def textline() -> Textline:
    return current_app.extensions["textline"]
