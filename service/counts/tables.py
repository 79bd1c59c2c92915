"""The two tables textline keeps: anonymous counts, and short-lived de-duplication digests."""

from pathlib import Path

from sqlalchemy import Boolean, Column, Date, Integer, MetaData, String, Table, create_engine, event
from sqlalchemy.engine import Engine, make_url

metadata = MetaData()

# One row per day, topic, locale, channel, first-or-later page and how the
# message was understood (keyword, question, not_understood; empty for crisis
# and carrier words). Nothing about who asked.
usage = Table(
    "usage_counts",
    metadata,
    Column("day", Date, primary_key=True),
    Column("topic", String(32), primary_key=True),
    Column("locale", String(16), primary_key=True),
    Column("channel", String(16), primary_key=True),
    Column("later_page", Boolean, primary_key=True),
    Column("answered_by", String(16), primary_key=True, server_default=""),
    Column("count", Integer, nullable=False),
)

# A keyed hash of each recent MessageSid, so a redelivered message is counted
# once across workers and hosts; pruned after two days.
seen = Table(
    "seen_messages",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("day", Date, nullable=False, index=True),
)


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets its folder, WAL and a lock timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _wal(connection, _record):
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")

        return engine
    # A short connect timeout: an unreachable server must not stall the flusher, nor a stopping worker's last
    # flush and spool (two tries fit well within gunicorn's graceful_timeout).
    connect_args = {"connect_timeout": 2} if parsed.get_backend_name() == "postgresql" else {}
    return create_engine(url, pool_pre_ping=True, pool_size=2, max_overflow=2, connect_args=connect_args)
