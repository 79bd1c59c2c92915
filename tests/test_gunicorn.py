"""gunicorn wsgi:app with several workers: exact counts across processes, nothing lost on a graceful stop."""

import concurrent.futures
import itertools
import re
import urllib.parse
import urllib.request

import pytest
from conftest import BASE_URL, TOKEN
from servers import Gunicorn
from twilio.request_validator import RequestValidator

from service.counts import CountStore

BODIES = ["MEDS", "meds 2", "TERAPIA", "DOCTOR", "HELP", "hola", "SELFCARE FR", "MENU", "brain 3", "ＭＥＤＳ"]
_sids = itertools.count(1)


@pytest.fixture
def serve(database_url, tmp_path):
    """Start gunicorn on a fresh database (its workers migrate it together); stop it at the end."""
    servers = []

    def start(workers):
        env = {"TWILIO_AUTH_TOKEN": TOKEN, "PUBLIC_BASE_URL": BASE_URL, "DATABASE_URL": database_url}
        servers.append(Gunicorn(env, workers, tmp_path))
        return servers[-1]

    yield start
    for server in servers:
        server.kill()


def signed(n: int) -> tuple[bytes, str]:
    form = {
        "MessageSid": f"SMg{next(_sids):031x}",
        "AccountSid": "AC" + "0" * 32,
        "From": f"+1555{n:07d}",
        "To": "+15550001111",
        "Body": BODIES[n % len(BODIES)],
        "FromCountry": "US",
        "NumMedia": "0",
    }
    signature = RequestValidator(TOKEN).compute_signature(f"{BASE_URL}/sms", form)
    return urllib.parse.urlencode(form).encode(), signature


def post(server, request) -> bytes:
    body, signature = request
    http = urllib.request.Request(
        server.base_url + "/sms",
        data=body,
        method="POST",
        headers={"X-Twilio-Signature": signature, "Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(http, timeout=30) as response:
        assert response.status == 200
        return response.read()


def total(database_url) -> int:
    store = CountStore(database_url, b"key")
    try:
        return sum(row["count"] for row in store.rows())
    finally:
        store.dispose()


def test_graceful_stop_writes_every_buffered_count(serve, database_url):
    server = serve(workers=2)
    for n in range(150):
        assert b"<Message>" in post(server, signed(n))
    assert server.stop() == 0  # SIGTERM right away: the last second's counts are still buffered
    assert total(database_url) == 150


def test_workers_counting_concurrently_end_with_exact_totals(serve, database_url):
    server = serve(workers=3)
    requests = [signed(n) for n in range(360)]
    redelivered = requests[::6]  # Twilio retries some: they may land on another worker
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda r: post(server, r), requests + redelivered))
    assert server.stop() == 0
    assert total(database_url) == len(requests)
    pids = set(re.findall(r"pid=(\d+) method=POST path=/sms", server.log_path.read_text()))
    assert len(pids) >= 2, "the requests should have been spread over several workers"
