"""Many instances, one line (issue 14): the flood gate's windows in one Redis, shared by every host;
a Redis that stops or freezes never stops the line.

Real redis-server (Debian's), real gunicorn, real PostgreSQL, signed requests through the twilio library.
"""

import concurrent.futures
import os
import time
import urllib.parse
import urllib.request
from xml.etree import ElementTree

import pytest
from servers import Gunicorn, PostgresCluster, RedisServer, require_pg_bin, require_redis_server
from sqlalchemy import create_engine, func, select
from twilio.request_validator import RequestValidator

from service.counts.tables import usage
from service.web.flood import ALLOW, SILENT, SLOW_DOWN, FloodGate, SharedWindows

TOKEN = "shared-limits-token-0123456789"
BASE_URL = "https://sms.example.org"
SECRET = "one-secret-for-every-host-0123456789"


@pytest.fixture
def redis(tmp_path):
    server = RedisServer(require_redis_server(), tmp_path)
    server.start()
    yield server
    server.stop()


def _gate(url: str, **options) -> FloodGate:
    return FloodGate(20, 60, 300, SharedWindows(url), key=SECRET.encode(), **options)


def test_two_hosts_share_one_window(redis):
    first, second = _gate(redis.url), _gate(redis.url)
    verdicts = [(first if n % 2 else second).check("+15550001111") for n in range(24)]
    assert verdicts[:20] == [ALLOW] * 20
    assert verdicts[20:] == [SLOW_DOWN, SILENT, SILENT, SILENT]  # one slow-down reply across both
    assert first.check("+15550001111", urgent=True) == ALLOW  # crisis language, once a window
    assert second.check("+15550001111", urgent=True) == SILENT
    assert first.check("+15550002222") == ALLOW  # another phone


def test_redis_keeps_no_number_and_every_key_expires(redis):
    import redis as redis_client

    gate = _gate(redis.url)
    for _ in range(21):
        gate.check("+15550003333")
    client = redis_client.Redis.from_url(redis.url)
    keys = client.keys("*")
    assert keys and not any(b"5550003333" in key for key in keys)
    assert all(0 < client.ttl(key) <= 300 for key in keys)


def test_a_stopped_redis_fails_open_fast_and_the_gate_recovers(redis):
    failures = []
    gate = _gate(redis.url, on_failure=lambda: failures.append(1), retry_after=0.5)
    assert gate.check("+15550004444") == ALLOW
    redis.stop()
    started = time.monotonic()
    verdicts = [gate.check("+15550004444") for _ in range(50)]
    assert verdicts == [ALLOW] * 50 and len(failures) == 50
    assert time.monotonic() - started < 1.0  # at most one 50 ms attempt a half second, not 50
    redis.start()  # the same port: the store is back
    time.sleep(0.6)
    verdicts = [gate.check("+15550005555") for _ in range(21)]
    assert verdicts[-1] == SLOW_DOWN  # counting again


def test_a_frozen_redis_costs_a_reply_at_most_its_timeout(redis):
    gate = _gate(redis.url, retry_after=0.5)
    assert gate.check("+15550006666") == ALLOW
    redis.freeze()
    try:
        slowest = 0.0
        for _ in range(20):
            started = time.monotonic()
            assert gate.check("+15550006666") == ALLOW
            slowest = max(slowest, time.monotonic() - started)
        assert slowest < 0.25
    finally:
        redis.thaw()
    time.sleep(0.6)
    assert [gate.check("+15550007777") for _ in range(21)][-1] == SLOW_DOWN


# -- two gunicorn instances, one PostgreSQL, one Redis ------------------------------------------------------


def _post(base_url: str, form: dict) -> tuple[float, str]:
    signature = RequestValidator(TOKEN).compute_signature(BASE_URL + "/sms", form)
    request = urllib.request.Request(
        base_url + "/sms", data=urllib.parse.urlencode(form).encode(), headers={"X-Twilio-Signature": signature}
    )
    started = time.monotonic()
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
    return time.monotonic() - started, "".join(m.text or "" for m in ElementTree.fromstring(body).iter("Message"))


@pytest.fixture
def hosts(redis, tmp_path):
    cluster = PostgresCluster(require_pg_bin())
    cluster.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTLINE_", "PROMETHEUS_", "GUNICORN_"))}
    env |= {
        "TWILIO_AUTH_TOKEN": TOKEN,
        "PUBLIC_BASE_URL": BASE_URL,
        "DATABASE_URL": cluster.url,
        "TEXTLINE_LIMITS_URL": redis.url,
        "TEXTLINE_LIMITS_KEY": SECRET,
    }
    started = []
    try:
        for name in ("a", "b"):
            folder = tmp_path / name
            folder.mkdir()
            started.append(Gunicorn({**env, "TEXTLINE_INSTANCE_DIR": str(folder)}, 2, folder))
        yield started, cluster
    finally:
        for server in started:
            server.kill()
        cluster.destroy()


def test_two_instances_count_exactly_and_slow_a_flooder_once(hosts):
    (a, b), cluster = hosts
    slow_down = "many messages in a short time"
    requests = []
    for n in range(540):  # 180 people, three messages each; every third delivered twice, once to each host
        form = {"From": f"+1555100{n // 3:04d}", "Body": ("MEDS", "TERAPIA", "what is ECT")[n % 3]}
        form |= {"MessageSid": f"SM{n:032d}", "FromCountry": "US"}
        requests.append((a if n % 2 else b, form))
        if n % 3 == 0:
            requests.append((b if n % 2 else a, form))  # Twilio's redelivery lands on the other host
    for n in range(40):  # one phone, 40 messages spread over both hosts
        form = {"From": "+15559990000", "Body": "MEDS", "MessageSid": f"SF{n:032d}", "FromCountry": "US"}
        requests.append((a if n % 2 else b, form))
    assert len(requests) >= 600
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        replies = list(pool.map(lambda item: _post(item[0].base_url, item[1]), requests))
    flooder = [
        text for (server, form), (_, text) in zip(requests, replies, strict=True) if form["From"] == "+15559990000"
    ]
    assert sum(slow_down in text for text in flooder) == 1
    assert sum(bool(text) and slow_down not in text for text in flooder) == 20
    for server in (a, b):
        assert server.stop() == 0  # graceful: every worker flushes its counts
    engine = create_engine(cluster.url)
    with engine.connect() as conn:
        total = conn.execute(select(func.sum(usage.c.count))).scalar()
    engine.dispose()
    assert total == 540 + 20  # each MessageSid once; the flooder's 20 answered messages


def test_a_redis_outage_mid_stream_fails_nothing_and_limits_resume(hosts, redis):
    (a, b), _ = hosts
    latencies = []

    def stream(seconds: float, tag: str) -> None:
        end = time.monotonic() + seconds
        n = 0
        while time.monotonic() < end:
            form = {"From": f"+1555200{n % 500:04d}", "Body": "MEDS", "MessageSid": f"SM{tag}{n:030d}"}
            elapsed, text = _post((a, b)[n % 2].base_url, form)
            assert text
            latencies.append(elapsed)
            n += 1

    for round_, (outage, recover) in enumerate(((redis.stop, redis.start), (redis.freeze, redis.thaw))):
        stream(1, f"{round_}a")
        outage()
        stream(10, f"{round_}b")
        recover()
        time.sleep(1.5)  # the gate tries the store again a second after its last failure
        flooder = {"From": f"+155530000{round_}", "Body": "MEDS"}
        texts = [_post(a.base_url, flooder | {"MessageSid": f"SX{round_}{n:030d}"})[1] for n in range(22)]
        assert sum("many messages in a short time" in text for text in texts) == 1  # limits resumed
    latencies.sort()
    assert latencies[int(len(latencies) * 0.99)] < 0.5


def test_a_shared_gate_needs_its_secret():
    from service.settings import Settings, SettingsError

    with pytest.raises(SettingsError, match="TEXTLINE_LIMITS_KEY"):
        Settings.from_env({"TEXTLINE_LIMITS_URL": "redis://127.0.0.1:6379/0"})
    settings = Settings.from_env({"TEXTLINE_LIMITS_URL": "redis://127.0.0.1:6379/0", "TEXTLINE_LIMITS_KEY": SECRET})
    assert settings.limits_url.startswith("redis://")


def test_the_app_answers_through_a_redis_outage_and_metrics_say_so(redis, make_app):
    from conftest import Twilio, message_text

    app = make_app(limits_url=redis.url, limits_key=SECRET)
    phone = Twilio(app.test_client())
    assert "MEDS" in message_text(phone.post("MENU"))
    redis.stop()
    for _ in range(30):  # past the limit, but the store is down: every message answered
        assert message_text(phone.post("MEDS"))
    metrics = app.test_client().get("/metrics").get_data(as_text=True)
    failures = next(line for line in metrics.splitlines() if line.startswith("textline_flood_store_failures_total"))
    assert float(failures.split()[-1]) >= 30
