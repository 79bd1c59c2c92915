"""The count store: anonymous usage counts, buffered in memory and flushed in one transaction a second.

The only module that speaks SQL to the counts: admin, the CLI, metrics and
gunicorn's hooks go through ``CountStore``.
"""

import atexit
import collections
import datetime as dt
import json
import logging
import os
import secrets
import threading
import time
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from .. import process
from ..keyed import Hmac
from .migrate import upgrade
from .tables import make_engine, seen, usage

log = logging.getLogger(__name__)
KEEP_SEEN_DAYS = 2


class CountKey(NamedTuple):
    """What one count is about, besides its day. A new dimension is a field here, a column of
    ``usage_counts`` in tables.py (in the same order) and a migration. A named tuple: made for every
    message and hashed at every flush, at a third of a frozen dataclass's cost."""

    topic: str
    locale: str
    channel: str
    later_page: bool = False
    answered_by: str = ""  # keyword, question, not_understood; empty for crisis and carrier words


DIMENSIONS = CountKey._fields


class Event(NamedTuple):
    day: dt.date
    key: CountKey
    digest: str


class CountStore:
    """Buffer counts per process and write them at most once per ``interval``.

    A flush inserts the digests into ``seen_messages`` with ON CONFLICT DO
    NOTHING ... RETURNING and counts only the rows that were new, so a
    redelivered MessageSid is counted once whichever worker gets it. Rows are
    written in one fixed order (sorted), so workers flushing the same keys at
    once never deadlock. A failed flush keeps its events for the next try, up
    to ``max_pending``; past that the oldest are dropped and ``dropped`` says
    how many. A process that stops while the database is unreachable writes
    what it could not flush to ``spool_dir`` (count keys, days and keyed
    digests of MessageSids: nothing personal); the next process to start
    takes the file and counts them.
    """

    def __init__(
        self,
        database_url: str,
        key: bytes,
        interval: float = 1.0,
        max_pending: int = 50_000,
        spool_dir: Path | None = None,
    ):
        self.engine: Engine = make_engine(database_url)
        self._schema_ready = False
        self.interval = interval
        self.max_pending = max_pending
        self.dropped = 0
        self.failures = 0
        self._key = Hmac(key, "sha256")
        self._pending: collections.deque[Event] = collections.deque()
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self.spool_dir = spool_dir
        self._purged: dt.date | None = None  # the last day old digests were deleted
        insert = postgresql.insert if self.engine.dialect.name == "postgresql" else sqlite.insert
        # Built once and run with many rows (executemany): SQLAlchemy compiles each only once.
        self._insert_seen = insert(seen).on_conflict_do_nothing().returning(seen.c.digest)
        upsert = insert(usage)
        self._upsert_usage = upsert.on_conflict_do_update(
            index_elements=[usage.c.day, *(usage.c[name] for name in DIMENSIONS)],
            set_={"count": usage.c.count + upsert.excluded["count"]},
        )

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

    def start(self) -> None:
        """Start this process's flusher and take any counts a stopped process spooled (a worker's start)."""
        self._ensure_thread()

    def close(self) -> None:
        """Stop the background flusher and write what is left: to the database, else to the spool."""
        self._wake.set()
        if self._thread and self._thread.is_alive() and self._pid == process.pid:
            self._thread.join(timeout=5)
        self.flush()
        if self.pending:
            self._spool()

    def _spool(self) -> None:
        with self._flush_lock, self._lock:
            events = list(self._pending)
            self._pending.clear()
        if self.spool_dir is None:
            self.dropped += len(events)
            log.error("%d counts lost: the database is unreachable and there is no spool folder", len(events))
            return
        try:
            self.spool_dir.mkdir(parents=True, exist_ok=True)
            path = self.spool_dir / f"{os.getpid()}-{time.time_ns()}.jsonl"
            part = path.with_suffix(".part")
            with part.open("w", encoding="utf-8") as file:
                for e in events:
                    file.write(json.dumps({"day": e.day.isoformat(), "key": list(e.key), "digest": e.digest}) + "\n")
                file.flush()
                os.fsync(file.fileno())
            part.rename(path)
            log.warning("database unreachable: %d counts spooled for the next start", len(events))
        except OSError as error:
            self.dropped += len(events)
            log.error("%d counts lost: the spool could not be written (%s)", len(events), type(error).__name__)

    def _recover(self) -> None:
        """Take the spool files of stopped processes (one process each, by renaming) into this one's queue."""
        if self.spool_dir is None or not self.spool_dir.is_dir():
            return
        taken = 0
        for path in sorted(self.spool_dir.glob("*.jsonl")):
            claimed = path.with_suffix(f".taken-{os.getpid()}")
            try:
                path.rename(claimed)  # atomic: only one process gets each file
            except OSError:
                continue
            try:
                events = [
                    Event(dt.date.fromisoformat(row["day"]), CountKey(*row["key"]), str(row["digest"]))
                    for row in map(json.loads, claimed.read_text("utf-8").splitlines())
                ]
            except (OSError, ValueError, KeyError, TypeError) as error:
                log.error("a count spool file could not be read (%s): left as %s", type(error).__name__, claimed.name)
                continue
            with self._lock:
                self._pending.extendleft(reversed(events))
            claimed.unlink()
            taken += len(events)
        if taken:
            log.warning("%d spooled counts taken up", taken)

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

    def understood(self, since: dt.date | None = None, until: dt.date | None = None) -> list[dict]:
        """Messages per day and locale by how they were understood (keyword, question, not_understood)."""
        if not self._schema_ready:
            self.upgrade()
        total = func.sum(usage.c.count).label("count")
        query = (
            select(usage.c.day, usage.c.locale, usage.c.answered_by, total)
            .where(usage.c.answered_by != "", usage.c.later_page.is_(False))
            .group_by(usage.c.day, usage.c.locale, usage.c.answered_by)
            .order_by(usage.c.day, usage.c.locale, usage.c.answered_by)
        )
        if since:
            query = query.where(usage.c.day >= since)
        if until:
            query = query.where(usage.c.day <= until)
        with self.engine.connect() as conn:
            return [
                {"day": r.day.isoformat(), "locale": r.locale, "answered_by": r.answered_by, "count": int(n)}
                for r in conn.execute(query)
                for n in (r._mapping["count"],)
            ]

    def _digest(self, message_sid: str | None) -> str:
        if not message_sid:
            return "r" + secrets.token_hex(16)  # nothing to de-duplicate on
        return self._key.digest(message_sid.encode("utf-8", "replace")).hex()[:40]

    def _ensure_thread(self) -> None:
        if self._pid == process.pid:
            return
        with self._lock:
            if self._pid == process.pid:
                return
            self._pid = process.pid  # a forked worker starts its own flusher
            self._wake = threading.Event()
            self._thread = threading.Thread(target=self._run, name="textline-counter", daemon=True)
            self._thread.start()
            atexit.register(self.close)
        self._recover()

    def _run(self) -> None:
        while not self._wake.wait(self.interval):
            self.flush()

    def _write(self, batch: list[Event]) -> int:
        if not self._schema_ready:
            self.upgrade()
        first: dict[str, Event] = {}
        for event in batch:
            first.setdefault(event.digest, event)
        digests = sorted(first.values(), key=lambda e: e.digest)  # one fixed order: flushes cannot deadlock
        oldest = batch[-1].day - dt.timedelta(days=KEEP_SEEN_DAYS)
        with self.engine.begin() as conn:
            seen_rows = [{"digest": e.digest, "day": e.day} for e in digests]
            new = set(conn.execute(self._insert_seen, seen_rows).scalars())
            totals = collections.Counter((e.day, e.key) for e in digests if e.digest in new)
            keys = sorted(((day, *key), n) for (day, key), n in totals.items())
            rows = [dict(zip(("day", *DIMENSIONS), key, strict=True), count=n) for key, n in keys]
            if rows:
                conn.execute(self._upsert_usage, rows)
            if self._purged != oldest:  # digests older than two days: once a day is enough
                conn.execute(delete(seen).where(seen.c.day < oldest))
        self._purged = oldest
        return sum(totals.values())
