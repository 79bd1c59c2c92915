from pathlib import Path

import pytest
from conftest import Twilio, message_text

from service.core.segments import segment


def counts(app):
    counts = app.extensions["textline"].counts
    counts.flush()
    return counts.rows()


def test_signed_meds_gets_the_medication_excerpt(twilio):
    text = message_text(twilio.post("MEDS"))
    assert "antidepressant" in text and text.endswith("Reply MEDS 2 for more")
    assert segment(text).segments <= 3


@pytest.mark.parametrize("signature", ["", "bm90IGEgc2lnbmF0dXJl", "x" * 300])
def test_unsigned_or_forged_requests_get_403_and_are_not_counted(app, twilio, signature):
    response = twilio.post("MEDS", signature=signature)
    assert response.status_code == 403
    assert b"<Message>" not in response.data
    assert counts(app) == []


def test_signature_for_another_url_is_refused(twilio):
    assert twilio.post("MEDS", url="https://attacker.example/sms").status_code == 403


def test_signature_by_another_token_is_refused(client):
    assert Twilio(client, token="wrong-token").post("MEDS").status_code == 403


def test_without_public_base_url_the_request_url_is_signed(make_app):
    app = make_app(public_base_url="")
    twilio = Twilio(app.test_client(), base_url="http://localhost")
    assert "antidepressant" in message_text(twilio.post("MEDS"))


def test_wrong_method_gets_405(client):
    assert client.get("/sms").status_code == 405
    assert client.put("/sms").status_code == 405


def test_healthz(client):
    assert client.get("/healthz").status_code == 200


HOSTILE = [
    None,
    "",
    " ",
    "\x00\x01\x02",
    "<Response><Message>hi</Message></Response>",
    "]]><x>",
    "\U0001f600" * 1600,
    "a" * 5000,
    "MEDS 0",
    "MEDS -1",
    "MEDS 99999999999",
    "MEDS 1e9",
    "\u202e\u202dMEDS",
    "%00",
    "' OR 1=1 --",
    "{keyword}",
    "{0}",
    "MEDS\nES\n3",
    "\ufeffMEDS",
    "ｍｅｄｓ　２",
]


@pytest.mark.parametrize("body", HOSTILE, ids=range(len(HOSTILE)))
def test_bad_bodies_get_valid_twiml(twilio, body):
    form = twilio.form("x")
    if body is None:
        del form["Body"]
    else:
        form["Body"] = body
    text = message_text(twilio.post_form(form))
    assert text


def test_counts_once_per_message_by_topic_locale_and_channel(app, twilio):
    twilio.post("MEDS")
    twilio.post("MEDS 2")
    form = twilio.form("HELP")
    twilio.post_form(form)
    twilio.post_form(form)  # Twilio redelivers the same MessageSid
    twilio.post("MEDS", sender="whatsapp:+15551234567")
    rows = {(r["topic"], r["locale"], r["channel"]): r["count"] for r in counts(app)}
    assert rows == {("MEDS", "en", "sms"): 2, ("help", "en", "sms"): 1, ("MEDS", "en", "whatsapp"): 1}


def test_advanced_opt_out_gets_an_empty_response_but_is_counted(app, twilio):
    assert message_text(twilio.post("STOP", OptOutType="STOP")) is None
    assert [r["topic"] for r in counts(app)] == ["stop"]


def test_no_phone_number_or_body_reaches_the_database(app, twilio, database_url):
    twilio.post("MEDS my secret words", sender="+15557654321")
    counts(app)
    if database_url.startswith("sqlite"):
        data = Path(database_url.removeprefix("sqlite:///")).read_bytes()
        assert b"5557654321" not in data and b"secret" not in data


@pytest.mark.parametrize("raw", [b"Body=%FF%FE%FD", b"Body=MEDS%", b"Body=%E4%B8", b"\xff\xfe=\x00"])
def test_malformed_form_encoding_never_500s(client, raw):

    response = client.post("/sms", data=raw, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (400, 403)
