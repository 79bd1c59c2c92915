"""GET /metrics: messages by topic, locale, channel and outcome, latency, pending and dropped counts, reload errors."""

import signal
import time
import urllib.request

import pytest
from conftest import BASE_URL, TOKEN, Twilio
from prometheus_client.parser import text_string_to_metric_families
from servers import Gunicorn
from test_gunicorn import post, signed


def samples(text: str) -> dict:
    """{(sample name, sorted labels): value} from Prometheus text."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def scrape(client) -> dict:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    return samples(response.get_data(as_text=True))


def messages(topic, locale, channel, outcome):
    return (
        "textline_messages_total",
        tuple(sorted({"topic": topic, "locale": locale, "channel": channel, "outcome": outcome}.items())),
    )


def test_messages_latency_and_rejections_are_counted(client, twilio):
    before = scrape(client)
    twilio.post("MEDS", sender="+15550000001")
    twilio.post("TERAPIA", sender="+15550000002")
    twilio.post("MEDS", sender="whatsapp:+15550000003")
    twilio.post("STOP", sender="+15550000004", OptOutType="STOP")
    twilio.post("MEDS", sender="+15550000005", signature="forged")
    after = scrape(client)

    def added(key):
        return after.get(key, 0) - before.get(key, 0)

    assert added(messages("MEDS", "en", "sms", "replied")) == 1
    assert added(messages("THERAPY", "es", "sms", "replied")) == 1
    assert added(messages("MEDS", "en", "whatsapp", "replied")) == 1
    assert added(messages("stop", "en", "sms", "silent")) == 1
    assert added(messages("", "", "", "rejected")) == 1
    assert added(("textline_reply_seconds_count", ())) == 5
    assert ("textline_reply_seconds_bucket", (("le", "0.1"),)) in after


def test_pending_and_dropped_counts_are_exposed(app, client, twilio):
    counter = app.extensions["textline"].counts
    counter.interval = 3600  # keep everything buffered for this test
    counter.max_pending = 2
    before = scrape(client)
    for n in range(5):
        twilio.post("MEDS", sender=f"+1555000{n:04d}")
    after = scrape(client)
    assert after[("textline_counts_pending", ())] == 2
    assert after[("textline_counts_dropped_total", ())] - before[("textline_counts_dropped_total", ())] == 3


def test_catalog_reload_errors_are_counted(content_copy, make_app):
    app = make_app(
        content_dir=content_copy / "content", translations_dir=content_copy / "translations", reload_interval=0.0
    )
    client = app.test_client()
    before = scrape(client)[("textline_catalog_reload_errors_total", ())]
    (content_copy / "content" / "meds.yaml").write_text("keyword: [unclosed\n")
    Twilio(client).post("MEDS")  # still answered, from the last good version
    after = scrape(client)[("textline_catalog_reload_errors_total", ())]
    assert after - before == 1


@pytest.mark.parametrize("workers", [3])
def test_metrics_add_up_across_gunicorn_workers(database_url, tmp_path, workers):
    env = {"TWILIO_AUTH_TOKEN": TOKEN, "PUBLIC_BASE_URL": BASE_URL, "DATABASE_URL": database_url}
    server = Gunicorn(env, workers, tmp_path)
    try:
        for n in range(40):
            post(server, signed(n))

        def scrape_any_worker():
            with urllib.request.urlopen(server.base_url + "/metrics", timeout=30) as response:
                found = samples(response.read().decode())
            total = sum(v for (name, _), v in found.items() if name == "textline_messages_total")
            return found, total, found.get(("textline_reply_seconds_count", ()))

        deadline = time.monotonic() + 10  # each worker publishes its numbers about once a second
        while scrape_any_worker()[1:] != (40, 40) and time.monotonic() < deadline:
            time.sleep(0.2)
        for _ in range(workers):  # whichever worker answers, the sum is the same
            found, total, timed = scrape_any_worker()
            assert total == 40
            assert timed == 40
            assert ("textline_counts_pending", ()) in found
            assert ("textline_counts_dropped_total", ()) in found
            assert ("textline_catalog_reload_errors_total", ()) in found
        assert server.stop() == 0
    finally:
        server.kill()


def test_a_stopping_worker_publishes_its_last_numbers(database_url, tmp_path):
    env = {"TWILIO_AUTH_TOKEN": TOKEN, "PUBLIC_BASE_URL": BASE_URL, "DATABASE_URL": database_url}
    server = Gunicorn(env, 2, tmp_path)
    try:
        for n in range(30):
            post(server, signed(n))
        server.process.send_signal(signal.SIGHUP)  # new workers at once; the old ones go within the second
        deadline, total = time.monotonic() + 20, 0
        while total != 30 and time.monotonic() < deadline:
            time.sleep(0.5)
            try:
                with urllib.request.urlopen(server.base_url + "/metrics", timeout=30) as response:
                    found = samples(response.read().decode())
            except OSError:  # between the old workers and the new
                continue
            total = sum(v for (name, _), v in found.items() if name == "textline_messages_total")
        assert total == 30
        assert found[("textline_reply_seconds_count", ())] == 30
        assert server.stop() == 0
    finally:
        server.kill()
