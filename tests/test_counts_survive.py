"""Counts that survive every stop (issue 14): workers flushing the same keys at once never deadlock on
PostgreSQL, and a worker that stops while the database is down spools its counts for the next start."""

import concurrent.futures
import datetime as dt
import os
import random
import signal
import threading
import time
import urllib.parse
import urllib.request

import pytest
from servers import Gunicorn, PostgresCluster, require_pg_bin
from sqlalchemy import create_engine, func, select
from sqlalchemy.exc import ProgrammingError
from twilio.request_validator import RequestValidator

from service.counts import CountKey, CountStore
from service.counts.store import Event
from service.counts.tables import usage

TOKEN = "survive-token-0123456789"
BASE_URL = "https://sms.example.org"


@pytest.fixture
def cluster():
    server = PostgresCluster(require_pg_bin())
    server.start()
    yield server
    server.destroy()


def _total(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.sum(usage.c.count))).scalar() or 0
    finally:
        engine.dispose()


def _total_so_far(url: str) -> int:
    """``_total`` while a server starts: 0 until the first write has created the table (the schema comes with
    the first write, and a first instance that never wrote before the database went down left none)."""
    try:
        return _total(url)
    except ProgrammingError:
        return 0


def test_many_workers_flushing_the_same_keys_at_once_never_deadlock(cluster):
    keys = [
        CountKey(topic, locale, channel, later)
        for topic in ("MEDS", "THERAPY", "BRAIN", "ABOUT")
        for locale in ("en", "es", "fr", "zh", "ar")
        for channel in ("sms", "whatsapp")
        for later in (False, True)
    ]
    stores = [CountStore(cluster.url, b"k" * 32) for _ in range(8)]
    stores[0].upgrade()
    day = dt.date(2026, 11, 30)
    rng = random.Random(3)
    expected = 0
    try:
        for round_ in range(4):
            for n, store in enumerate(stores):
                order = keys[:]
                rng.shuffle(order)  # every worker meets the keys in its own order
                for m, key in enumerate(order):
                    store._pending.append(Event(day, key, f"{round_}-{n}-{m}"))
                    expected += 1
            barrier = threading.Barrier(len(stores))

            def flush(store, barrier=barrier):
                barrier.wait()
                return store.flush()

            with concurrent.futures.ThreadPoolExecutor(len(stores)) as pool:
                counted = list(pool.map(flush, stores))
            assert counted == [len(keys)] * len(stores)
        assert all(s.failures == 0 and s.pending == 0 and s.dropped == 0 for s in stores)
        assert _total(cluster.url) == expected
    finally:
        for store in stores:
            store.dispose()


def _post(base_url: str, n: int) -> None:
    form = {"From": f"+1555400{n:04d}", "Body": "MEDS", "MessageSid": f"SM{n:032d}", "FromCountry": "US"}
    signature = RequestValidator(TOKEN).compute_signature(BASE_URL + "/sms", form)
    request = urllib.request.Request(
        base_url + "/sms", data=urllib.parse.urlencode(form).encode(), headers={"X-Twilio-Signature": signature}
    )
    with urllib.request.urlopen(request, timeout=20) as response:
        assert response.status == 200 and b"<Message>" in response.read()


def test_stops_while_the_database_is_down_lose_no_count(cluster, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTLINE_", "PROMETHEUS_", "GUNICORN_"))}
    env |= {
        "TWILIO_AUTH_TOKEN": TOKEN,
        "PUBLIC_BASE_URL": BASE_URL,
        "DATABASE_URL": cluster.url,
        "TEXTLINE_INSTANCE_DIR": str(tmp_path / "instance"),
    }
    for name in ("first", "second"):
        (tmp_path / name).mkdir()
    sent = 0
    first = Gunicorn(env, 2, tmp_path / "first")
    try:
        for _ in range(20):
            _post(first.base_url, sent)
            sent += 1
        time.sleep(1.5)
        cluster.stop()  # the database goes down under load
        for _ in range(20):
            _post(first.base_url, sent)
            sent += 1
        first.process.send_signal(signal.SIGHUP)  # new workers; the old ones stop without a database
        time.sleep(4)
        for _ in range(20):
            _post(first.base_url, sent)
            sent += 1
        assert first.stop() == 0  # and the whole server stops, still without one
    finally:
        first.kill()
    spooled = list((tmp_path / "instance" / "count-spool").glob("*.jsonl"))
    assert spooled, "nothing was spooled"
    assert not any(b"+1555400" in p.read_bytes() or b"SM000" in p.read_bytes() for p in spooled)  # nothing personal
    cluster.start()
    second = Gunicorn(env, 2, tmp_path / "second")  # its workers take the spool up as they start
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and _total_so_far(cluster.url) < sent:
            time.sleep(0.5)
        assert second.stop() == 0
    finally:
        second.kill()
    assert _total(cluster.url) == sent
    assert not list((tmp_path / "instance" / "count-spool").glob("*"))
