"""Apply the Alembic migrations in migrations/, once, however many processes start together."""

import contextlib
import fcntl
import functools
import logging
import threading
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).with_name("migrations")
LOCK_KEY = 0x7465_78746C_696E  # any constant: the advisory lock id for "textline migrations"


# The newest file in migrations/versions (tests/test_migrations.py checks it).
# Known without importing Alembic, so a worker starting on an up-to-date
# database never loads it: that is 10 MB of resident memory per worker.
HEAD = "0002"
_IN_PROCESS = threading.Lock()


def _config():
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@functools.cache
def head() -> str:
    """The newest migration's revision id, as Alembic reads it from migrations/versions."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head() or ""


def revision(engine: Engine) -> str | None:
    """The revision the database at ``engine`` is at, or None before the first."""
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:  # no such table yet (or no database: upgrade will say so)
        return None


def upgrade(engine: Engine) -> bool:
    """Migrate to the newest revision; return whether anything had to be done.

    Several gunicorn workers may call this at the same moment: a PostgreSQL
    advisory lock (or a lock file next to the SQLite database) lets one of
    them migrate while the others wait, then find nothing left to do. Within
    one process, threads take turns too (a count flusher's first write and a
    closing store's): Alembic keeps its running context in module globals.
    """
    if revision(engine) == HEAD:
        return False
    from alembic import command

    with _IN_PROCESS, _locked(engine) as conn:
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
