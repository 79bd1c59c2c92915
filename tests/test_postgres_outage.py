"""A PostgreSQL server stopped for 30 seconds in the middle of a stream of messages loses no count."""

import itertools
import time

import pytest
from conftest import Twilio, message_text
from servers import PostgresCluster, require_pg_bin

OUTAGE_SECONDS = 30  # what the issue asks for
BODIES = itertools.cycle(["MEDS", "TERAPIA", "meds 2", "HELP", "hola", "DOCTOR", "ABOUT ES", "brain"])


@pytest.fixture
def cluster():
    cluster = PostgresCluster(require_pg_bin())
    cluster.start()
    yield cluster
    cluster.destroy()


def test_counts_survive_a_postgresql_outage(cluster, make_app):
    app = make_app(database_url=cluster.url)
    state = app.extensions["textline"]
    twilio = Twilio(app.test_client())
    answered = 0

    def send():
        nonlocal answered
        answered += 1
        assert message_text(twilio.post(next(BODIES), sender=f"+1555{answered:07d}"))

    try:
        for _ in range(100):
            send()
        cluster.stop()
        failures_before = state.counts.failures
        down_until = time.monotonic() + OUTAGE_SECONDS
        while time.monotonic() < down_until:  # replies keep going out while counts wait
            send()
            time.sleep(0.02)
        assert state.counts.failures > failures_before, "the flusher should have tried and failed meanwhile"
        assert state.counts.pending > 0 and state.counts.dropped == 0
        cluster.start()
        for _ in range(100):
            send()
        state.close()
        assert state.counts.pending == 0
        assert sum(row["count"] for row in state.counts.rows()) == answered
    finally:
        state.close()
