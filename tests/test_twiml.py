"""The webhook's TwiML is byte for byte what twilio's MessagingResponse writes."""

import pytest
from twilio.twiml.messaging_response import MessagingResponse

from service.web.webhook import twiml


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "MEDS: plain",
        "a & b < c > d \"quoted\" 'single'",
        "Médicaments ＭＥＤＳ 中文 😀",
        "line one\nline two\n\nReply MEDS 2 for more",
        "&amp; already escaped",
        "]]> <![CDATA[",
    ],
)
def test_same_bytes_as_twilio(text):
    expected = MessagingResponse()
    if text is not None:
        expected.message(text)
    response = twiml(() if text is None else (text,))
    assert response.get_data(as_text=True) == str(expected)
    assert response.mimetype == "text/xml"
