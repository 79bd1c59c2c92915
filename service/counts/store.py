"""The count store: anonymous usage counts, buffered in memory and flushed in one transaction a second.

The only module that speaks SQL to the counts: admin, the CLI, metrics and
gunicorn's hooks go through ``CountStore``.
"""

import atexit
import collections
import datetime as dt
import hashlib
import hmac
import logging
import os
import secrets
import threading
from dataclasses import astuple, dataclass, fields

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from .migrate import upgrade
from .tables import make_engine, seen, usage

log = logging.getLogger(__name__)
KEEP_SEEN_DAYS = 2
BATCH = 500


@dataclass(frozen=True)
class CountKey:
    """What one count is about, besides its day. A new dimension is a field here, a column of
    ``usage_counts`` in tables.py (in the same order) and a migration."""

    topic: str
    locale: str
    channel: str
    later_page: bool = False


DIMENSIONS = tuple(f.name for f in fields(CountKey))


@dataclass(frozen=True)
class Event:
    day: dt.date
    key: CountKey
    digest: str


class CountStore:
    """Buffer counts per process and write them at most once per ``interval``.

    A flush inserts the digests into ``seen_messages`` with ON CONFLICT DO
    NOTHING ... RETURNING and counts only the rows that were new, so a
    redelivered MessageSid is counted once whichever worker gets it. A failed
    flush keeps its events for the next try, up to ``max_pending``; past that
    the oldest are dropped and ``dropped`` says how many.
    """

    def __init__(self, database_url: str, key: bytes, interval: float = 1.0, max_pending: int = 50_000):
        self.engine: Engine = make_engine(database_url)
        self._schema_ready = False
        self.interval = interval
        self.max_pending = max_pending
        self.dropped = 0
        self.failures = 0
        self._key = key
        self._pending: collections.deque[Event] = collections.deque()
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None

    @property
    def pending(self) -> int:
        return len(self._pending)

    def record(self, key: CountKey, message_sid: str | None) -> None:
        """Queue one count; never raises, never waits on the database."""
        try:
            event = Event(dt.datetime.now(dt.UTC).date(), key, self._digest(message_sid))
            with self._lock:
                if len(self._pending) >= self.max_pending:
                    self._pending.popleft()
                    self.dropped += 1
                self._pending.append(event)
            self._ensure_thread()
        except Exception:  # counting must never fail a reply
            log.exception("could not queue a count")

    def flush(self) -> int:
        """Write what is pending; return how many new messages were counted."""
        with self._flush_lock:
            with self._lock:
                batch = list(self._pending)
                self._pending.clear()
            if not batch:
                return 0
            try:
                counted = self._write(batch)
            except SQLAlchemyError as error:
                self.failures += 1
                with self._lock:
                    room = self.max_pending - len(self._pending)
                    keep = batch[-room:] if room > 0 else []
                    self.dropped += len(batch) - len(keep)
                    self._pending.extendleft(reversed(keep))
                log.warning(
                    "counts not written, %d kept for the next try: %s", len(self._pending), type(error).__name__
                )
                return 0
            return counted

    def close(self) -> None:
        """Stop the background flusher and write what is left."""
        self._wake.set()
        if self._thread and self._thread.is_alive() and self._pid == os.getpid():
            self._thread.join(timeout=5)
        self.flush()

    def upgrade(self) -> bool:
        """Bring the schema up to date (the first write does it too); return whether anything was done."""
        done = upgrade(self.engine)
        self._schema_ready = True
        return done

    def dispose(self) -> None:
        self.engine.dispose()

    def rows(
        self,
        since: dt.date | None = None,
        until: dt.date | None = None,
        topic: str | None = None,
        locale: str | None = None,
    ) -> list[dict]:
        """Counts per day, topic, locale and channel, oldest first."""
        if not self._schema_ready:
            self.upgrade()
        query = select(
            usage.c.day,
            usage.c.topic,
            usage.c.locale,
            usage.c.channel,
            func.sum(usage.c.count).label("count"),
        ).group_by(usage.c.day, usage.c.topic, usage.c.locale, usage.c.channel)
        if since:
            query = query.where(usage.c.day >= since)
        if until:
            query = query.where(usage.c.day <= until)
        if topic:
            query = query.where(usage.c.topic == topic)
        if locale:
            query = query.where(usage.c.locale == locale)
        query = query.order_by(usage.c.day, usage.c.topic, usage.c.locale, usage.c.channel)
        with self.engine.connect() as conn:
            return [
                {
                    "day": row.day.isoformat(),
                    "topic": row.topic,
                    "locale": row.locale,
                    "channel": row.channel,
                    "count": int(row._mapping["count"]),
                }
                for row in conn.execute(query)
            ]

    def _digest(self, message_sid: str | None) -> str:
        if not message_sid:
            return "r" + secrets.token_hex(16)  # nothing to de-duplicate on
        return hmac.new(self._key, message_sid.encode("utf-8", "replace"), hashlib.sha256).hexdigest()[:40]

    def _ensure_thread(self) -> None:
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()  # a forked worker starts its own flusher
            self._wake = threading.Event()
            self._thread = threading.Thread(target=self._run, name="textline-counter", daemon=True)
            self._thread.start()
            atexit.register(self.close)

    def _run(self) -> None:
        while not self._wake.wait(self.interval):
            self.flush()

    def _write(self, batch: list[Event]) -> int:
        if not self._schema_ready:
            self.upgrade()
        insert = postgresql.insert if self.engine.dialect.name == "postgresql" else sqlite.insert
        first: dict[str, Event] = {}
        for event in batch:
            first.setdefault(event.digest, event)
        with self.engine.begin() as conn:
            new: set[str] = set()
            digests = list(first.values())
            for start in range(0, len(digests), BATCH):
                rows = [{"digest": e.digest, "day": e.day} for e in digests[start : start + BATCH]]
                fresh = insert(seen).values(rows).on_conflict_do_nothing().returning(seen.c.digest)
                new.update(conn.execute(fresh).scalars())
            totals = collections.Counter((e.day, *astuple(e.key)) for e in digests if e.digest in new)
            rows = [dict(zip(("day", *DIMENSIONS), key, strict=True), count=n) for key, n in totals.items()]
            for start in range(0, len(rows), BATCH):
                statement = insert(usage).values(rows[start : start + BATCH])
                statement = statement.on_conflict_do_update(
                    index_elements=[usage.c.day, *(usage.c[name] for name in DIMENSIONS)],
                    set_={"count": usage.c.count + statement.excluded["count"]},
                )
                conn.execute(statement)
            oldest = batch[-1].day - dt.timedelta(days=KEEP_SEEN_DAYS)
            conn.execute(delete(seen).where(seen.c.day < oldest))
        return sum(totals.values())
