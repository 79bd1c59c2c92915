"""Apply the Alembic migrations in migrations/, once, however many processes start together."""

import contextlib
import fcntl
import functools
import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Engine

from .settings import ROOT

log = logging.getLogger(__name__)
MIGRATIONS = ROOT / "migrations"
LOCK_KEY = 0x7465_78746C_696E  # any constant: the advisory lock id for "textline migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@functools.cache
def head() -> str:
    """The newest migration's revision id."""
    return ScriptDirectory.from_config(_config()).get_current_head()


def revision(engine: Engine) -> str | None:
    """The revision the database at ``engine`` is at, or None before the first."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> bool:
    """Migrate to the newest revision; return whether anything had to be done.

    Several gunicorn workers may call this at the same moment: a PostgreSQL
    advisory lock (or a lock file next to the SQLite database) lets one of
    them migrate while the others wait, then find nothing left to do.
    """
    if revision(engine) == head():
        return False
    with _locked(engine) as conn:
        config = _config()
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
        conn.commit()
    log.info("database schema at revision %s", head())
    return True


@contextlib.contextmanager
def _locked(engine: Engine):
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": LOCK_KEY})
            conn.commit()
            try:
                yield conn
            finally:
                conn.rollback()
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
                conn.commit()
            return
        database = engine.url.database
        if engine.dialect.name != "sqlite" or not database or database == ":memory:":
            yield conn
            return
        with open(Path(database).with_name(Path(database).name + ".migrate-lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield conn
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
