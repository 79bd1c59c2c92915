"""Understanding what people write (issue 10, first steps): their language, their keyword typos."""

import pytest

from service.core import SMS, Sender, answer
from service.evaluate import ask_cases, score_ask


@pytest.mark.parametrize(
    ("text", "country", "locale"),
    [
        ("Hola, necesito información sobre medicamentos", "US", "es"),
        ("Bonjour, je veux des informations", "FR", "fr"),
        ("bonjou, mwen bezwen enfòmasyon", "US", "ht"),
        ("xin chào, tôi cần thông tin", "US", "vi"),
        ("oi, preciso de ajuda com informações", "US", "pt"),
        ("안녕하세요 정보가 필요해요", "US", "ko"),
        ("what is this number", "MX", "en"),
    ],
)
def test_a_message_is_answered_in_the_language_it_is_written_in(library, text, country, locale):
    reply = answer(library, text, Sender(SMS, country))
    assert reply.locale == locale, reply.why


def test_a_short_unclear_text_takes_the_senders_country(library):
    assert answer(library, "ok", Sender(SMS, "MX")).locale == "es"
    assert answer(library, "ok", Sender(SMS, "US")).locale == "en"


@pytest.mark.parametrize(
    ("text", "topic"),
    [("THERAPHY", "THERAPY"), ("SELFCAR", "SELFCARE"), ("MEDZ", "MEDS"), ("DOCTER", "DOCTOR"), ("TERAPA", "THERAPY")],
)
def test_keyword_typos_answer_as_their_keyword(library, text, topic):
    reply = answer(library, text, Sender(SMS, "US"))
    assert reply.topic == topic and "mistyped" in reply.why


@pytest.mark.parametrize("text", ["STPO", "STAPR", "HELO", "STRAT", "UNSTOPP"])
def test_carrier_and_help_words_are_never_read_as_a_mistyped_keyword(library, text):
    assert answer(library, text, Sender(SMS, "US")).topic not in {
        "MEDS",
        "THERAPY",
        "SELFCARE",
        "DOCTOR",
        "BRAIN",
        "ABOUT",
    }


def test_a_trailing_code_is_doubted_only_where_it_is_an_ordinary_word(library):
    ph = Sender(SMS, "PH")
    reply = answer(library, "GAMOT KO", ph)
    assert (reply.topic, reply.locale) == ("MEDS", "tl")
    assert answer(library, "sinaktan ko ang sarili ko", ph).locale == "tl"
    assert answer(library, "MEDICAMENTOS ES 2", Sender(SMS, "US")).locale == "es"
    assert answer(library, "MEDS KO", Sender(SMS, "US")).locale == "ko"


def test_the_language_is_right_for_nearly_every_held_out_message(library):
    scores = score_ask(library, ask_cases(), "frozen")
    right = sum(s.right_language for s in scores.values())
    total = sum(s.total for s in scores.values())
    assert right / total >= 0.95
