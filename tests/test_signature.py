"""Our signature check agrees with twilio's RequestValidator on every case Twilio sends."""

import random
from urllib.parse import parse_qsl, urlencode

import pytest
from twilio.request_validator import HMAC_SHA256, RequestValidator
from werkzeug.datastructures import MultiDict

from service.web.signature import valid
from service.web.webhook import parse_form

TOKEN = "test-auth-token-0123456789abcdef"
FORM = MultiDict(
    [
        ("MessageSid", "SM" + "1" * 32),
        ("Body", "Médicaments ＭＥＤＳ 2 & <b>"),
        ("From", "+15551234567"),
        ("ProfileName", "名前"),
        ("MediaUrl0", "https://x/y?a=1&b=2"),
    ]
)
REPEATED = MultiDict([("Body", "b"), ("Body", "a"), ("Body", "a"), ("To", "+1")])


@pytest.mark.parametrize(
    "signed_url, called_url",
    [
        ("https://sms.example.org/sms", "https://sms.example.org/sms"),
        ("https://sms.example.org:443/sms", "https://sms.example.org/sms"),
        ("https://sms.example.org/sms", "https://sms.example.org:443/sms"),
        ("http://127.0.0.1:8000/sms?x=1", "http://127.0.0.1:8000/sms?x=1"),
        ("https://sms.example.org/sms?a=b", "https://sms.example.org/sms"),
        ("https://other.example.org/sms", "https://sms.example.org/sms"),
    ],
)
@pytest.mark.parametrize("form", [FORM, REPEATED, MultiDict()])
@pytest.mark.parametrize("algorithm", [None, HMAC_SHA256])
def test_agrees_with_twilio(signed_url, called_url, form, algorithm):
    signature = RequestValidator(TOKEN).compute_signature(signed_url, form, algorithm)
    expected = RequestValidator(TOKEN).validate(called_url, form, signature, algorithm)
    assert valid(TOKEN, called_url, form, signature, algorithm) is expected


@pytest.mark.parametrize("signature", ["", "forged", "A" * 28])
def test_wrong_signatures_fail(signature):
    assert not valid(TOKEN, "https://sms.example.org/sms", FORM, signature)


def test_another_token_or_changed_form_fails():
    signature = RequestValidator(TOKEN).compute_signature("https://sms.example.org/sms", FORM)
    assert valid(TOKEN, "https://sms.example.org/sms", FORM, signature)
    assert not valid("other-token", "https://sms.example.org/sms", FORM, signature)
    changed = FORM.copy()
    changed["Body"] = "STOP"
    assert not valid(TOKEN, "https://sms.example.org/sms", changed, signature)


def test_unknown_algorithm_fails():
    signature = RequestValidator(TOKEN).compute_signature("https://sms.example.org/sms", FORM)
    assert not valid(TOKEN, "https://sms.example.org/sms", FORM, signature, "HMAC_MD5")


@pytest.mark.parametrize(
    "body",
    [
        b"a=1&b=&c&d=x+y%20z&%41=%C3%A9&&e=%2B",
        b"Body=caf%C3%A9+%26+tea&From=%2B15551230001&Body=second",
        b"",
        b"=x&y=",
        b"Body=%E6%88%91%E6%83%B3%E6%AD%BB",
        b"Body=a%5Cnb+%5Cx41&To=%25%32%35",  # escaped backslashes and percent signs stay what they are
        b"Body=raw\\nbackslash+%41&x\\y=%5C",  # a raw backslash (curl -d) is read as it is
    ],
)
def test_the_form_is_read_as_parse_qsl_reads_it(body):
    assert parse_form(body) == parse_qsl(body.decode(), keep_blank_values=True)


@pytest.mark.parametrize("body", [b"Body=%zz", b"Body=%C3", b"Body=\xff", b"Body=caf%C3%A9%"])
def test_a_form_twilio_could_not_have_sent_is_refused(body):
    assert parse_form(body) is None


def test_any_encoded_form_is_read_as_parse_qsl_reads_it():
    rng = random.Random(7)
    alphabet = "aZ09 +%&=\\/?#é漢字😀\x00\n"
    for _ in range(500):
        fields = [
            ("".join(rng.choices(alphabet, k=rng.randint(0, 6))), "".join(rng.choices(alphabet, k=rng.randint(0, 12))))
            for _ in range(rng.randint(1, 5))
        ]
        body = urlencode(fields).encode()
        assert parse_form(body) == parse_qsl(body.decode(), keep_blank_values=True) == fields
