"""The phone line (issue 13): signed calls answered with TwiML read aloud, from the same catalogs."""

import re
import urllib.parse
from xml.etree import ElementTree

import pytest
from conftest import BASE_URL, TOKEN
from twilio.request_validator import RequestValidator

from service.core.calls import Place, walk

VALIDATOR = RequestValidator(TOKEN)


class Caller:
    """Calls /voice and presses keys, as Twilio would post them, signed."""

    def __init__(self, client, country="US", number="+15551230000", call_sid="CA" + "1" * 32):
        self.client = client
        self.form = {"CallSid": call_sid, "From": number, "To": "+15550001111", "FromCountry": country}

    def post(self, path, digits=None, form=None):
        form = dict(form if form is not None else self.form)
        if digits is not None:
            form["Digits"] = digits
        signature = VALIDATOR.compute_signature(BASE_URL + path, form)
        response = self.client.post(path, data=form, headers={"X-Twilio-Signature": signature})
        assert response.status_code == 200, response.data
        assert response.mimetype == "text/xml"
        return ElementTree.fromstring(response.data)

    def call(self):
        return self.post("/voice")

    def press(self, twiml, digits):
        return self.post(_action(twiml), digits)


def _action(twiml) -> str:
    gather = twiml.find("Gather")
    assert gather is not None, ElementTree.tostring(twiml)
    return gather.get("action")


def _says(twiml):
    return [say for say in twiml.iter("Say")]


def _text(twiml) -> str:
    return " ".join(say.text or "" for say in _says(twiml))


def test_a_call_from_the_us_hears_the_menu_then_medicines_paragraph_by_paragraph(client, library):
    caller = Caller(client)
    menu = caller.call()
    gather = menu.find("Gather")
    assert gather.get("input") == "dtmf" and gather.get("numDigits") == "1"
    assert menu.find("Redirect") is not None  # no key: the same place again
    text = _text(menu)
    assert "For medicines, press 1." in text and "press 0" in text and "9 8 8" in text
    assert all(say.get("language") == "en-US" and say.get("voice") == "Polly.Joanna" for say in _says(menu))
    first = caller.press(menu, "1")
    paragraphs = library.content.topics["MEDS"].paragraphs
    assert paragraphs[0].id in _text(first) and "Press 1 to hear more" in _text(first)
    second = caller.press(first, "1")
    assert paragraphs[1].id in _text(second)
    again = caller.press(second, "9")
    assert paragraphs[1].id in _text(again)
    back = caller.press(again, "*")
    assert "For medicines, press 1." in _text(back)


def test_brand_names_in_parentheses_read_naturally_and_no_page_hint_is_read(client):
    caller = Caller(client)
    menu = caller.call()
    text = _text(caller.press(caller.press(caller.press(menu, "1"), "1"), "1"))
    assert "amitriptyline, Elavil, Vanatrip, and nortriptyline" in text and "(" not in text
    assert "Reply MEDS" not in text


def test_a_call_from_mexico_is_read_in_spanish_with_the_spanish_voice(client, library):
    caller = Caller(client, country="MX", number="+525512345678")
    menu = caller.call()
    assert {say.get("language") for say in _says(menu)} == {"es-US"}
    assert "800 911 2000".replace(" ", "") not in _text(menu)  # digit by digit
    assert "8 0 0, 9 1 1, 2 0 0 0" in _text(menu)
    meds = caller.press(menu, "1")
    spanish = library.text("es", library.content.topics["MEDS"].paragraphs[0])
    assert spanish.split(".")[0] in _text(meds)
    assert all(say.get("voice") == "Polly.Lupe" for say in _says(meds))


def test_every_locale_with_a_voice_reads_its_menu_in_its_own_words(client, library):
    voices = library.content.voices.voices
    caller = Caller(client)
    line = library.content.messages["voice_topic"]
    for locale, voice in voices.items():
        if locale not in library.locales:
            continue
        menu = caller.post("/voice/key?" + urllib.parse.urlencode(Place(locale=locale).query()), "9")
        says = _says(menu)
        assert says and all(say.get("language") for say in says), locale
        own = library.text(locale, line).split("{")[0].strip()
        topic_lines = [s for s in says if s.get("language") == voice.language]
        assert topic_lines, locale
        assert any(own in (s.text or "") for s in topic_lines), (locale, own)


def test_a_haitian_caller_hears_french_and_that_texting_works_in_kreyol(client, library):
    caller = Caller(client, country="HT", number="+50922123456")
    menu = caller.call()
    first = _says(menu)[0]
    assert first.get("language") == "fr-FR" and "Kreyòl" in first.text
    assert {say.get("language") for say in _says(menu)} <= {"fr-FR", "en-US"}
    languages = caller.press(menu, "7")
    text = _text(languages)
    assert "English" in text and "Français" in text and "Kreyòl" not in text


def test_the_crisis_key_reads_the_line_twice_and_connects_only_where_it_can(client):
    us = Caller(client)
    crisis = us.press(us.call(), "0")
    says = _says(crisis)
    assert says[0].text == says[1].text and "9 8 8" in says[0].text
    assert crisis.find("Gather/Pause") is not None  # slowly: a pause between the two readings
    dial = us.press(crisis, "1")
    assert dial.find("Dial").text == "+18002738255"
    mexico = Caller(client, country="MX", number="+525512345678")
    crisis = mexico.press(mexico.call(), "0")
    assert "8 0 0, 9 1 1, 2 0 0 0" in _text(crisis) and len(_says(crisis)) == 2  # no connect offer
    assert mexico.press(crisis, "1").find("Dial") is None  # back to the menu


def test_silence_repeats_once_then_says_goodbye_with_the_crisis_line(client):
    caller = Caller(client)
    menu = caller.call()
    again = caller.post(menu.find("Redirect").text)  # no key pressed
    assert "For medicines, press 1." in _text(again)
    bye = caller.post(again.find("Redirect").text)
    assert bye.find("Hangup") is not None and "Goodbye" in _text(bye) and "9 8 8" in _text(bye)


@pytest.mark.parametrize(
    "path",
    [
        "/voice/key?at=topic&l=en&t=NOPE&p=99999999",
        "/voice/key?at=%00&l=%FF%FE&t=MEDS&p=-1&n=x",
        "/voice/key?at=languages&g=999",
        "/voice/key?at=topic&l=en&t=MEDS&p=999",
        "/voice/key",
    ],
)
def test_odd_places_and_keys_get_a_spoken_menu_never_an_error(client, path):
    caller = Caller(client)
    for digits in ("#", "12345", "", "é", None):
        twiml = caller.post(path, digits)
        assert twiml.find("Say") is not None or twiml.find("Gather/Say") is not None


def test_unsigned_and_huge_calls_are_refused(client):
    assert client.post("/voice", data={"CallSid": "CA1"}).status_code == 403
    assert client.post("/voice", data={"CallSid": "CA1"}, headers={"X-Twilio-Signature": "forged"}).status_code == 403
    assert client.post("/voice", data={"x": "y" * 200_000}).status_code == 413
    assert client.get("/voice").status_code == 405


def test_each_topic_heard_is_counted_once_per_call_on_the_voice_channel(make_app):
    app = make_app()
    client = app.test_client()
    caller = Caller(client)
    menu = caller.call()
    meds = caller.press(menu, "1")
    caller.press(meds, "9")  # the same paragraph again
    caller.press(caller.press(meds, "*"), "1")  # MEDS again from the menu, same call
    caller.press(caller.call(), "5")  # BRAIN
    other = Caller(client, call_sid="CA" + "2" * 32)
    other.press(other.call(), "1")  # another call hears MEDS
    for _ in range(40):  # many key presses: never the SMS flood gate
        assert _says(caller.press(menu, "9"))
    counts = app.extensions["textline"].counts
    counts.flush()
    rows = [r for r in counts.rows() if r["channel"] == "voice"]
    assert {r["topic"]: r["count"] for r in rows} == {"MEDS": 2, "BRAIN": 1}


def test_textline_call_prints_what_a_caller_hears(runner):
    output = runner.invoke(args=["call", "--country", "MX", "--digits", "1,1,9"]).output
    assert re.search(r"\[es, Polly\.Lupe\] .*1", output)
    assert output.count("> presses") == 3 and output.strip().endswith("-- waits for a key (topic)")


def test_a_call_is_walked_by_the_core_alone(library):
    steps = walk(library, "US", ["0", "1"])
    assert steps[-1][1].dial == "+18002738255"
    steps = walk(library, "US", ["", ""])
    assert steps[-1][1].then is None  # hung up after two silences


def test_a_call_leaves_no_number_or_call_sid_in_the_database_or_the_logs(make_app, tmp_path, caplog, monkeypatch):
    import logging

    from service.core import calls

    caplog.set_level(logging.DEBUG)
    app = make_app(database_url=f"sqlite:///{tmp_path / 'calls.db'}")
    client = app.test_client()
    caller = Caller(client, number="+15557659876", call_sid="CA" + "7" * 32)
    caller.press(caller.press(caller.call(), "1"), "1")
    caller.press(caller.call(), "0")

    def broken(*args, **kwargs):
        raise ValueError(f"a message quoting {caller.form['From']}")

    monkeypatch.setattr(calls, "menu", broken)
    bye = caller.call()  # an unexpected error: a spoken goodbye, never a 500
    assert bye.find("Hangup") is not None
    monkeypatch.undo()
    app.extensions["textline"].counts.flush()
    logged = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    database = b"".join(path.read_bytes() for path in tmp_path.glob("calls.db*"))
    for needle in ("5557659876", "7777777777"):
        assert needle not in logged and needle.encode() not in database
