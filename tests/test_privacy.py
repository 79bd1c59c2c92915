"""No phone number, profile name or message body in the database or any log, even when things fail."""

import logging

import phonenumbers
import pytest
from conftest import Twilio, message_text

from service.logs import redact, safe_traceback

SMS_NUMBER = "+15557654321"
WHATSAPP_NUMBER = "+447700900987"
NAME = "Zebediah Quillfeather"
SECRETS = ["marmalade", "pineapple", "tangerine", "kumquat", "rhubarb", "persimmon", "gooseberry"]
NEEDLES = [SMS_NUMBER[1:], SMS_NUMBER[2:], WHATSAPP_NUMBER[1:], "Zebediah", "Quillfeather", *SECRETS]


def _leaks(text: str) -> list[str]:
    return [needle for needle in NEEDLES if needle.lower() in text.lower()]


@pytest.fixture
def private_app(make_app, tmp_path):
    return make_app(database_url=f"sqlite:///{tmp_path / 'private.db'}")


def test_nothing_personal_reaches_the_database_or_the_logs(private_app, tmp_path, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    client = private_app.test_client()
    twilio = Twilio(client)
    whatsapp = f"whatsapp:{WHATSAPP_NUMBER}"

    # Ordinary messages, SMS and WhatsApp with a profile name.
    assert message_text(twilio.post(f"MEDS {SECRETS[0]}", sender=SMS_NUMBER))
    assert message_text(twilio.post(f"I want to die {SECRETS[1]}", sender=whatsapp, ProfileName=NAME))
    assert message_text(twilio.post("HELP", sender=whatsapp, ProfileName=NAME))
    assert message_text(twilio.post(f"MEDS 2 {SECRETS[2]}", sender=SMS_NUMBER, FromCountry="US"))
    # Forged, wrongly signed and malformed requests.
    assert twilio.post(f"MEDS {SECRETS[3]}", sender=SMS_NUMBER, signature="forged").status_code == 403
    assert (
        twilio.post(f"x {SECRETS[3]}", sender=whatsapp, ProfileName=NAME, url="https://evil.example/sms").status_code
        == 403
    )
    malformed = f"From=%2B{SMS_NUMBER[1:]}&ProfileName=Zebediah&Body={SECRETS[4]}%E4%B8".encode()
    assert client.post("/sms", data=malformed, content_type="application/x-www-form-urlencoded").status_code == 400
    assert client.post(f"/sms?From={SMS_NUMBER}&Body={SECRETS[4]}", data={"Body": SECRETS[4]}).status_code == 403
    assert client.get(f"/sms?From={SMS_NUMBER}&Body={SECRETS[4]}").status_code == 405

    # An unexpected error whose message quotes the number and the body.
    def broken(number, *args, **kwargs):
        raise ValueError(f"cannot parse {number} said {SECRETS[5]} by {NAME}")

    monkeypatch.setattr(phonenumbers, "parse", broken)
    assert "MEDS" in message_text(twilio.post(f"MEDS {SECRETS[5]}", sender=whatsapp, ProfileName=NAME))
    monkeypatch.undo()

    # A flood from one number.
    for _ in range(22):
        twilio.post(f"THERAPY {SECRETS[6]}", sender=SMS_NUMBER)

    private_app.extensions["textline"].counts.flush()
    assert any(r.levelno >= logging.ERROR for r in caplog.records), "the error above was logged"
    assert any("slowed down" in r.getMessage() for r in caplog.records)

    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    logged = caplog.text + "\n".join(formatter.format(r) for r in caplog.records)
    assert "ValueError" in logged and "message withheld" in logged
    assert _leaks(logged) == []

    database = b"".join(path.read_bytes() for path in tmp_path.glob("private.db*"))
    assert b"crisis" in database  # the counts are there...
    assert _leaks(database.decode("latin-1")) == []  # ...and nothing else


def test_werkzeug_and_gunicorn_request_lines_lose_their_query_strings(make_app, caplog):
    caplog.set_level(logging.INFO)
    make_app(database_url="sqlite://")  # installs the redaction
    line = f"POST /sms?From=%2B{SMS_NUMBER[1:]}&Body={SECRETS[0]} HTTP/1.1"
    logging.getLogger("werkzeug").info('"%s" %s %s', line, 200, 123)
    logging.getLogger("gunicorn.access").info("%(r)s %(q)s %(s)s", {"r": line, "q": f"Body={SECRETS[0]}", "s": "200"})
    logging.getLogger("service.anything").warning("sender %s wrote", SMS_NUMBER)
    assert '"POST /sms HTTP/1.1" 200 123' in caplog.text
    assert "sender [number] wrote" in caplog.text
    assert _leaks(caplog.text) == []


def test_tracebacks_keep_their_frames_but_not_their_messages():
    try:
        try:
            int(f"{SECRETS[0]} {SMS_NUMBER}")
        except ValueError as inner:
            raise RuntimeError(f"while reading {NAME}") from inner
    except RuntimeError as error:
        text = safe_traceback(type(error), error, error.__traceback__)
    assert "test_privacy.py" in text and "ValueError" in text and "RuntimeError" in text
    assert _leaks(text) == []


def test_a_record_with_an_exception_is_reduced_before_any_handler_sees_it():
    try:
        raise KeyError(SECRETS[1])
    except KeyError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed for %s", (SMS_NUMBER,), None)
        import sys

        record.exc_info = sys.exc_info()
        redact(record)
    assert record.exc_info is None and "KeyError" in record.exc_text
    assert _leaks(record.getMessage() + record.exc_text) == []


def test_dev_server_access_lines_carry_no_client_address():
    import logging

    from service.logs import redact

    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '203.0.113.7 - - [27/Nov/2026 06:33:30] "%s" %s -\n',
        ("POST /sms?x=1 HTTP/1.1", "200"),
        None,
    )
    line = redact(record).getMessage()
    assert "203.0.113.7" not in line and "x=1" not in line and line.startswith("- - - [")
