"""The per-app objects: settings, the live library, the database and the counter."""

import hashlib
import logging
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from .counting import Counter
from .db import create_tables, make_engine
from .library import LiveLibrary
from .ratelimit import FloodGate
from .settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Textline:
    settings: Settings
    library: LiveLibrary
    engine: Engine
    counter: Counter
    warned_unsigned: bool = False
    flood: FloodGate = field(default_factory=FloodGate)

    @classmethod
    def start(cls, settings: Settings) -> "Textline":
        library = LiveLibrary(settings.content_dir, settings.translations_dir, settings.default_locale,
                              settings.clinic_contact, settings.reload_interval)
        engine = make_engine(settings.database_url)
        try:
            create_tables(engine)
        except SQLAlchemyError as error:  # replies do not need the database
            log.warning("database not ready, counts will wait: %s", type(error).__name__)
        key = hashlib.sha256(b"textline-sid:" + settings.twilio_auth_token.encode()).digest()
        return cls(settings, library, engine, Counter(engine, key))


def textline() -> Textline:
    return current_app.extensions["textline"]
