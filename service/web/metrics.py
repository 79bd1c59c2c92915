"""Prometheus metrics at ``GET /metrics``, added up across gunicorn workers.

Under gunicorn, gunicorn.conf.py sets ``PROMETHEUS_MULTIPROC_DIR`` before any
worker starts, each worker writes its values to files there, and /metrics
reads them all. Without it (``flask run``, tests) the process's own registry
is served.
"""

import bisect
import os
import threading
import time
import weakref

from flask import Blueprint, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

from .. import process
from .state import textline

bp = Blueprint("metrics", __name__)

MESSAGES = Counter(
    "textline_messages",
    "Webhook messages by topic, locale, channel and outcome (replied; silent: an "
    "empty <Response/>; limited: a sender over the rate limit; rejected: malformed or badly signed; "
    "error: answered with the menu after an unexpected error).",
    ["topic", "locale", "channel", "outcome"],
)
LATENCY = Histogram(
    "textline_reply_seconds",
    "Time to answer POST /sms inside the app, signature check included.",
    buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
PENDING = Gauge(
    "textline_counts_pending",
    "Counts buffered in memory, not yet written to the database.",
    multiprocess_mode="livesum",
)
DROPPED = Counter(
    "textline_counts_dropped", "Counts dropped because the buffer was full while the database was unreachable."
)
FLUSH_FAILURES = Counter(
    "textline_count_flush_failures", "Count flushes that failed (database unreachable or erroring)."
)
FLOOD_FAILURES = Counter(
    "textline_flood_store_failures",
    "Messages let through without a flood check because the shared store (TEXTLINE_LIMITS_URL) failed.",
)
RELOAD_ERRORS = Counter(
    "textline_catalog_reload_errors",
    "Content or catalog edits that failed to load (the last good version kept serving).",
)

REFRESH_SECONDS = 1.0


@bp.get("/metrics")
def metrics():
    _Watcher.for_app(textline()).refresh()
    if textline().settings.metrics_dir:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def message(reply, channel: str, outcome: str | None = None) -> None:
    """Count one answered message (called by the webhook view)."""
    _tally.count((reply.topic, reply.locale, channel, outcome or ("replied" if reply.messages else "silent")))


def unanswered(status: int) -> None:
    """Count a request not answered as asked: refused (400 malformed, 403 unsigned, 413 too large), or an
    unexpected error (answered with the menu)."""
    _tally.count(("", "", "", "rejected" if status in (400, 403, 413) else "error"))


def timed(started: float, state) -> None:
    """Time one POST /sms from the view's start, and keep this worker's numbers published (``state``: the
    app's ``Textline``)."""
    _tally.time(time.perf_counter() - started)
    _Watcher.for_app(state).start()


class _Tally:
    """This process's messages and reply times, added up in plain memory on the request path and handed
    to prometheus_client about once a second (``publish``).

    Under gunicorn each prometheus_client value is a float in a per-worker
    file, and every increment takes its lock, asks the system for the process
    id and writes the file: three of those a message cost about a tenth of
    the webhook's own time. Published in bulk, /metrics lags by at most a
    second, which no scrape interval notices.
    """

    _BOUNDS = tuple(LATENCY._upper_bounds)  # LATENCY's buckets with +Inf last, one count each

    def __init__(self):
        self._reset()

    def _reset(self) -> None:
        """Empty, with new locks (also in a forked worker: the parent's numbers are the parent's to publish)."""
        self._lock = threading.Lock()  # gthread workers answer on several threads
        self._publishing = threading.Lock()
        self.messages, self.buckets, self.seconds = self._empty()

    def _empty(self) -> tuple[dict[tuple[str, ...], int], list[int], float]:
        return {}, [0] * len(self._BOUNDS), 0.0

    def count(self, labels: tuple[str, ...]) -> None:
        with self._lock:
            self.messages[labels] = self.messages.get(labels, 0) + 1

    def time(self, seconds: float) -> None:
        at = bisect.bisect_left(self._BOUNDS, seconds)  # the first bound >= seconds, as Histogram.observe
        with self._lock:
            self.buckets[at] += 1
            self.seconds += seconds

    def publish(self) -> None:
        with self._publishing:
            with self._lock:
                messages, buckets, seconds = self.messages, self.buckets, self.seconds
                self.messages, self.buckets, self.seconds = self._empty()
            for labels, count in messages.items():
                MESSAGES.labels(*labels).inc(count)
            if any(buckets):
                # Histogram.observe one value at a time; its bucket and sum values take counts in bulk.
                for value, count in zip(LATENCY._buckets, buckets, strict=True):
                    if count:
                        value.inc(count)
                LATENCY._sum.inc(seconds)


_tally = _Tally()
os.register_at_fork(after_in_child=_tally._reset)  # a worker publishes its own messages, not its parent's
publish = _tally.publish  # also at a worker's exit (gunicorn.conf.py), so its last second is not lost


class _Watcher:
    """Copies this process's counter and library state into the metrics about once a second.

    The buffer empties and fills between requests, and another worker may be
    the one asked for /metrics, so each worker publishes its own numbers.
    """

    _lock = threading.Lock()

    def __init__(self, state):
        self._state = weakref.ref(state)  # the thread ends when the app is gone (tests make many)
        self.pid = None
        self.seen = {"dropped": 0, "failures": 0, "reload_errors": 0}

    @classmethod
    def for_app(cls, state) -> "_Watcher":
        watcher = getattr(state, "_metrics_watcher", None)
        if watcher is None:
            with cls._lock:
                watcher = getattr(state, "_metrics_watcher", None)
                if watcher is None:
                    watcher = state._metrics_watcher = cls(state)
        return watcher

    def start(self) -> None:
        if self.pid == process.pid:
            return
        with self._lock:
            if self.pid == process.pid:
                return
            self.pid = process.pid  # a forked worker needs its own thread
            threading.Thread(target=self._run, name="textline-metrics", daemon=True).start()

    def _run(self) -> None:
        while True:
            time.sleep(REFRESH_SECONDS)
            if not self.refresh():
                return

    def refresh(self) -> bool:
        state = self._state()
        if state is None:
            return False
        _tally.publish()
        counter, library = state.counts, state.library
        PENDING.set(counter.pending)
        with self._lock:
            for name, metric, value in (
                ("dropped", DROPPED, counter.dropped),
                ("failures", FLUSH_FAILURES, counter.failures),
                ("reload_errors", RELOAD_ERRORS, library.reload_errors),
            ):
                if value > self.seen[name]:
                    metric.inc(value - self.seen[name])
                    self.seen[name] = value
        return True
