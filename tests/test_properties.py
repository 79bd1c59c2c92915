"""Properties over any Unicode: the normalizer is idempotent; any body gives valid TwiML within budget; the
shortcuts taken for speed (words folded one by one, language costs summed word by word) give exactly what the
plain computation gives."""

import re
from itertools import repeat
from xml.etree import ElementTree

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.core.language import LanguageModel, grams
from service.core.normalize import _ASCII_PUNCT, _fold, normalize
from service.core.paging import SMS, WHATSAPP
from service.core.replies import Sender, answer
from service.core.segments import segment
from service.web.webhook import twiml

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Any code point Twilio could deliver (no lone surrogates: they cannot travel as UTF-8),
# mixed with the words and digits the matcher cares about, so paths past "unknown" are explored.
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)
WORDS = st.sampled_from(
    [
        "MEDS",
        "meds",
        "THERAPY",
        "terapia",
        "HELP",
        "MENU",
        "STOP",
        "START",
        "ES",
        "FR",
        "ZH",
        "2",
        "3",
        "99",
        "suicide",
        "suicde",
        "quiero morir",
        "自杀",
        "ＭＥＤＳ",
        " ",
        "\n",
        "!",
    ]
)
MIXED = st.lists(st.one_of(WORDS, ANY_TEXT.map(lambda t: t[:20])), max_size=8).map(" ".join)
COUNTRIES = st.sampled_from([None, "US", "MX", "FR", "PH", "KR", "CN", "BR", "JP", "ZZ"])


@FAST
@given(ANY_TEXT)
def test_normalize_is_idempotent(text):
    once = normalize(text)
    assert normalize(once) == once


@FAST
@given(st.one_of(ANY_TEXT, MIXED))
def test_normalize_folds_word_by_word_as_it_would_the_whole_text(text):
    folded = text.lower().translate(_ASCII_PUNCT) if text.isascii() else _fold(text)
    folded = re.sub(r"(?<=\D)(?=\d)|(?<=\d)(?=\D)", " ", folded)
    assert normalize(text) == " ".join(folded.split())


MODEL = LanguageModel({"en": ["What is depression?", "Talk to your doctor."], "es": ["¿Qué es la depresión?"]})


@FAST
@given(st.one_of(ANY_TEXT, MIXED))
def test_language_costs_summed_word_by_word_are_those_of_every_gram(text):
    found = grams(text)
    total = sum(map(MODEL._costs.get, found, repeat(MODEL._unseen)))
    mask = (1 << 32) - 1
    expected = {loc: ((total >> (32 * n)) & mask) / 1000 for n, loc in enumerate(MODEL.locales)} if found else {}
    assert MODEL.scores(text) == (expected, len(found))


@FAST
@given(ANY_TEXT)
def test_normalize_gives_single_spaced_text(text):
    folded = normalize(text)
    assert folded == folded.strip() and "  " not in folded


@FAST
@given(st.one_of(ANY_TEXT, MIXED), COUNTRIES, st.sampled_from([SMS, WHATSAPP]), st.booleans())
def test_any_body_yields_valid_twiml_within_the_budget(library, body, country, channel, opted_out):
    reply = answer(library, body, Sender(channel, country), opted_out_by_twilio=opted_out)
    response = twiml(reply.messages)
    root = ElementTree.fromstring(response.get_data())
    assert root.tag == "Response"
    messages = root.findall("Message")
    if reply.text is None:
        assert messages == []
        return
    assert len(messages) == 1 and messages[0].text == reply.text
    assert reply.text.strip()
    if channel == SMS:
        assert segment(reply.text).segments <= 3, (body, reply)
    else:
        assert len(reply.text) <= 1600
