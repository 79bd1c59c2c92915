"""Carrier rules, signatures, proxies, limits, floods and errors on POST /sms."""

import os
import re
import subprocess
import sys

import phonenumbers
import pytest
from conftest import BASE_URL, TOKEN, Twilio, message_text
from servers import free_port, wait_healthy
from twilio.request_validator import RequestValidator

from service.core.replies import MAX_BODY, START_WORDS, STOP_WORDS, Sender, answer
from service.settings import ROOT
from service.web.flood import ALLOW, SILENT, SLOW_DOWN, FloodGate, MemoryWindows


def counts(app):
    store = app.extensions["textline"].counts
    store.flush()
    return {(r["topic"], r["locale"], r["channel"]): r["count"] for r in store.rows()}


# -- carrier rules -------------------------------------------------------------

STOPS = ["STOP", "stop", "Stop.", " STOPALL ", "UNSUBSCRIBE", "cancel", "END", "quit", "REVOKE", "OptOut", "ＳＴＯＰ"]


@pytest.mark.parametrize("body", STOPS)
def test_stop_words_alone_stop(library, body):
    reply = answer(library, body)
    assert reply.topic == "stop" and "START" in reply.text


@pytest.mark.parametrize("body", ["START", "yes", "Unstop"])
def test_start_words_alone_start(library, body):
    assert answer(library, body).topic == "start"


@pytest.mark.parametrize(
    "body",
    [
        "STOP please",
        "please stop",
        "stpo",
        "stopp",
        "sotp",
        "unsubscibe",
        "cancel meds",
        "the end",
        "yes please",
        "startt",
        "ending",
        "quitting",
    ],
)
def test_carrier_words_count_only_as_the_whole_message_and_never_fuzzily(library, body):
    assert answer(library, body).topic not in ("stop", "start")


def test_no_stop_word_is_ever_read_as_crisis_or_anything_else(library):
    for word in STOP_WORDS | START_WORDS:
        for country in (None, "US", "MX", "FR", "PH"):
            assert answer(library, word.upper(), Sender("sms", country)).topic in ("stop", "start")


def test_help_says_what_carriers_require(make_app):
    app = make_app(clinic_contact="+1 555 010 0199")
    for body in ("HELP", "info", "Help!"):
        text = message_text(Twilio(app.test_client()).post(body))
        for required in (
            "textline",
            "STOP",
            "Msg&data rates may apply",
            "only when you text",
            "+1 555 010 0199",
            "988",
        ):
            assert required in text, (required, text)


def test_advanced_opt_out_gets_an_empty_response_for_every_stop_word(twilio):
    for word in ("STOP", "UNSUBSCRIBE", "START"):
        assert message_text(twilio.post(word, OptOutType=word)) is None


# -- signatures ----------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["HMAC_SHA1", "HMAC_SHA256"])
def test_sha1_and_sha256_signatures_are_both_accepted(client, algorithm):
    twilio = Twilio(client)
    form = twilio.form("MEDS")
    signature = twilio.validator.compute_signature(f"{BASE_URL}/sms", form, algorithm)
    headers = {"X-Twilio-Signature": signature}
    if algorithm == "HMAC_SHA256":
        headers["X-Twilio-Webhooks-Signature-Settings"] = "key=webhooks_sharedkey_1,algorithm=HMAC_SHA256"
    assert "antidepressant" in message_text(client.post("/sms", data=form, headers=headers))


def test_a_sha256_signature_without_its_settings_header_is_refused(client):
    twilio = Twilio(client)
    form = twilio.form("MEDS")
    signature = twilio.validator.compute_signature(f"{BASE_URL}/sms", form, "HMAC_SHA256")
    assert client.post("/sms", data=form, headers={"X-Twilio-Signature": signature}).status_code == 403


def test_an_unknown_algorithm_is_refused_not_crashed(client):
    twilio = Twilio(client)
    form = twilio.form("MEDS")
    headers = {
        "X-Twilio-Signature": twilio.validator.compute_signature(f"{BASE_URL}/sms", form),
        "X-Twilio-Webhooks-Signature-Settings": "algorithm=HMAC_MD5",
    }
    assert client.post("/sms", data=form, headers=headers).status_code == 403


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Twilio-Signature": ""},
        {"X-Twilio-Signature": "\u00e9\u00e9"},
        {"X-Twilio-Webhooks-Signature-Settings": "garbage"},
    ],
)
def test_missing_or_garbage_signature_headers_get_403_and_nothing_counted(app, client, headers):
    response = client.post("/sms", data=Twilio(client).form("MEDS"), headers=headers)
    assert response.status_code == 403 and response.mimetype == "text/plain"
    assert counts(app) == {}


def test_forged_and_wrong_url_signatures_count_nothing(app, twilio):
    assert twilio.post("MEDS", signature="bm90IGEgc2lnbmF0dXJl").status_code == 403
    assert twilio.post("MEDS", url="https://attacker.example/sms").status_code == 403
    assert twilio.post("MEDS", url=f"{BASE_URL}/sms?x=1").status_code == 403
    assert counts(app) == {}


def test_behind_a_tls_proxy_the_forwarded_url_is_checked(make_app):
    """No PUBLIC_BASE_URL: the proxy's X-Forwarded-Proto/Host/Port give the URL Twilio signed."""
    app = make_app(public_base_url="")
    client = app.test_client()
    validator = RequestValidator(TOKEN)
    form = Twilio(client).form("MEDS")
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "sms.example.org", "X-Forwarded-Port": "443"}
    signed = {"X-Twilio-Signature": validator.compute_signature("https://sms.example.org/sms", form)}
    assert client.post("/sms", data=form, headers=proxied | signed).status_code == 200
    # The same signature without the proxy headers names another URL.
    assert client.post("/sms", data=form, headers=signed).status_code == 403
    # Signed for the internal URL but delivered through the proxy: refused.
    inner = {"X-Twilio-Signature": validator.compute_signature("http://localhost/sms", form)}
    assert client.post("/sms", data=form, headers=proxied | inner).status_code == 403


def test_public_base_url_wins_over_forwarded_headers(client):
    form = Twilio(client).form("MEDS")
    signature = RequestValidator(TOKEN).compute_signature(f"{BASE_URL}/sms", form)
    headers = {"X-Twilio-Signature": signature, "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http"}
    assert client.post("/sms", data=form, headers=headers).status_code == 200


def test_gunicorn_refuses_to_start_without_a_token(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("TWILIO_AUTH_TOKEN", "TEXTLINE_ALLOW_UNSIGNED")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'refuse.db'}"
    run = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{free_port()}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode != 0
    assert "TWILIO_AUTH_TOKEN is not set" in run.stderr


def test_gunicorn_starts_unsigned_only_when_told_to(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "TWILIO_AUTH_TOKEN"}
    env |= {"TEXTLINE_ALLOW_UNSIGNED": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'unsigned.db'}"}
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert wait_healthy(port, server, seconds=60)
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    assert "Traceback" not in stderr


# -- limits --------------------------------------------------------------------


def test_a_body_over_the_cap_gets_413(app, client):
    response = client.post("/sms", data={"Body": "x" * (65 * 1024)}, headers={"X-Twilio-Signature": "x"})
    assert response.status_code == 413 and response.mimetype == "text/plain"
    assert counts(app) == {}


def test_the_message_body_is_cut_at_1600_characters(library, twilio):
    late = "a " * (MAX_BODY // 2) + "suicide"
    assert answer(library, late).topic not in ("crisis", "crisis_soft")  # the word past the cap is not read
    assert answer(library, late[-MAX_BODY:]).topic in ("crisis", "crisis_soft")
    assert message_text(twilio.post("MEDS " + "x" * 10_000))


@pytest.mark.parametrize(
    "raw",
    [
        b"Body=%FF%FE%FD",
        b"Body=MEDS%",
        b"Body=%E4%B8",
        b"\xff\xfe=\x00",
        b"Body=%zz",
        b"Body=%C0%AF",
        b"Body=%ED%A0%80",
        b"Body=caf\xe9",
    ],
)
def test_malformed_form_encoding_gets_400(app, client, raw):
    response = client.post("/sms", data=raw, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and response.mimetype == "text/plain"
    assert response.data == b"400 Bad Request\n"
    assert counts(app) == {}


def test_malformed_form_encoding_gets_400_even_unsigned(make_app):
    app = make_app(twilio_auth_token="")
    response = app.test_client().post(
        "/sms", data=b"Body=%E4%B8&From=%2B15551234567", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400


def test_well_formed_utf8_passes(twilio):
    assert "antidépresseurs" in message_text(twilio.post("médicaments"))


@pytest.mark.parametrize("method", ["get", "put", "delete", "patch"])
def test_wrong_method_gets_405_in_plain_text(client, method):
    response = getattr(client, method)("/sms")
    assert response.status_code == 405 and response.mimetype == "text/plain"
    assert "POST" in response.headers["Allow"]


def test_unknown_paths_get_a_short_plain_404(client):
    response = client.get("/wp-login.php?user=admin")
    assert response.status_code == 404 and response.data == b"404 Not Found\n"


def test_an_unexpected_error_is_answered_with_the_menu_never_a_500(app, twilio, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("phone library broke")

    monkeypatch.setattr(phonenumbers, "parse", broken)  # third-party code, not ours
    response = twilio.post("MEDS", sender="whatsapp:+447700900123")
    text = message_text(response)
    assert "MEDS" in text and "THERAPY" in text
    assert counts(app) == {}


# -- floods --------------------------------------------------------------------


def test_a_flooding_sender_gets_one_slow_down_then_silence(app, twilio):
    flooder = "+15557770000"
    replies = [message_text(twilio.post(f"MEDS {n % 3 + 1}", sender=flooder)) for n in range(23)]
    assert all(r and "many messages" not in r for r in replies[:20])
    assert "many messages" in replies[20]
    assert replies[21] is None and replies[22] is None
    # Someone else is unaffected; the flooder's STOP and crisis still get through.
    assert "antidepressant" in message_text(twilio.post("MEDS", sender="+15551112222"))
    assert message_text(twilio.post("STOP", sender=flooder)).startswith("You will get no more")
    assert "988" in message_text(twilio.post("I want to die", sender=flooder))
    assert message_text(twilio.post("I want to die", sender=flooder)) is None  # once per minute while silenced
    assert sum(counts(app).values()) == 20 + 1 + 1 + 1


def test_the_slow_down_message_is_in_the_senders_language(twilio):
    replies = [message_text(twilio.post("TERAPIA", sender="+5215512345678", FromCountry="MX")) for _ in range(21)]
    assert replies[20] != message_text(Twilio(twilio.client).post("MENU", sender="+15550000001"))


def test_flood_gate_quiet_period_ends_and_memory_is_bounded():
    now = [0.0]
    gate = FloodGate(limit=3, window=60, quiet=300, windows=MemoryWindows(max_keys=100, clock=lambda: now[0]))
    assert [gate.check("+15551234567") for _ in range(5)] == [ALLOW, ALLOW, ALLOW, SLOW_DOWN, SILENT]
    now[0] = 299
    assert gate.check("+15551234567") == SILENT
    now[0] = 301
    assert gate.check("+15551234567") == ALLOW
    now[0] = 400  # a new window: the count starts again
    assert [gate.check("+15551234567") for _ in range(3)] == [ALLOW] * 3
    for n in range(1000):
        gate.check(f"+1555{n:07d}")
    assert len(gate.windows) == 100


def test_flood_gate_keeps_no_number_in_memory():
    gate = FloodGate()
    gate.check("+15551234567")
    gate.check("whatsapp:+15551234567")
    keys = list(gate.windows)
    assert len(keys) == 2 and all(re.fullmatch(r"count:[0-9a-f]{32}", k) for k in keys)
    assert not any("5551234567" in k for k in keys)
    assert FloodGate()._key != gate._key  # a fresh random key per process
