import phonenumbers
import pytest
from phonenumbers import PhoneNumberType

from service.core.paging import SMS, WHATSAPP
from service.core.replies import Sender, _country_of, _read_country, answer
from service.core.segments import segment

US = Sender(SMS, "US")
MX = Sender(SMS, "MX")


@pytest.mark.parametrize(
    "body, topic, page",
    [
        ("MEDS", "MEDS", 1),
        ("meds", "MEDS", 1),
        (" Meds! ", "MEDS", 1),
        ("ＭＥＤＳ", "MEDS", 1),
        ("MEDICATION", "MEDS", 1),
        ("medicine", "MEDS", 1),
        ("MEDS 2", "MEDS", 2),
        ("meds2", "MEDS", 2),
        ("MEDS #2", "MEDS", 2),
        ("THERAPY", "THERAPY", 1),
        ("SELFCARE", "SELFCARE", 1),
        ("SELF CARE", "SELFCARE", 1),
        ("self-care 2", "SELFCARE", 2),
        ("DOCTOR", "DOCTOR", 1),
        ("BRAIN", "BRAIN", 1),
        ("ABOUT", "ABOUT", 1),
        ("MENU", "menu", 1),
        ("HELP", "help", 1),
        ("info", "help", 1),
        ("hello there", "unknown", 1),
        ("", "unknown", 1),
    ],
)
def test_matching(library, body, topic, page):
    reply = answer(library, body, US)
    assert (reply.topic, reply.page) == (topic, page)
    assert reply.text


@pytest.mark.parametrize("body, page", [("MEDS 0", 1), ("MEDS -1", 1), ("MEDS 99999999999", 10**6)])
def test_odd_page_numbers_still_answer(library, body, page):
    reply = answer(library, body, US)
    assert reply.topic == "MEDS" and reply.page == page and reply.text


def test_page_past_the_end_says_how_many_there_are(library):
    pages = library.topic_pages("MEDS", "en", SMS).pages
    reply = answer(library, f"MEDS {len(pages) + 1}", US)
    assert f"MEDS {len(pages)}" in reply.text


def test_following_the_hints_walks_the_whole_topic(library):
    body, seen = "MEDS", []
    while True:
        reply = answer(library, body, US)
        seen.append(reply.text)
        assert segment(reply.text).encoding == "GSM-7" and segment(reply.text).segments <= 3
        if "Reply MEDS" not in reply.text:
            break
        body = reply.text.rsplit("\n", 1)[1].removeprefix("Reply ").removesuffix(" for more")
    assert seen == list(library.topic_pages("MEDS", "en", SMS).pages)
    text = " ".join(seen)
    for medicine in (
        "amitriptyline",
        "nortriptyline",
        "fluoxetine",
        "sertraline",
        "duloxetine",
        "venlafaxine",
        "bupropion",
        "mirtazapine",
        "antipsychotics",
        "T3",
        "Lithium",
    ):
        assert medicine in text


def test_menu_says_information_not_medical_advice(library):
    assert "not medical advice" in answer(library, "MENU", US).text


def test_help_names_the_program_stop_and_rates(library):
    text = answer(library, "HELP", US).text
    assert "textline" in text and "STOP" in text and "Msg&data rates may apply" in text


@pytest.mark.parametrize(
    "body, topic", [("STOP", "stop"), ("unsubscribe", "stop"), ("Start", "start"), ("UNSTOP", "start")]
)
def test_opt_out_words_are_acknowledged_once(library, body, topic):
    reply = answer(library, body, US)
    assert reply.topic == topic and reply.text
    silent = answer(library, body, US, opted_out_by_twilio=True)
    assert silent.topic == topic and silent.text is None


def test_stop_inside_a_sentence_is_not_an_opt_out(library):
    assert answer(library, "please stop the meds", US).topic != "stop"


def test_whatsapp_pages_are_longer(library):
    sms = answer(library, "MEDS", US)
    whatsapp = answer(library, "MEDS", Sender(WHATSAPP, "US"))
    assert len(whatsapp.text) > len(sms.text)


def test_country_from_twilio_or_the_number():
    assert Sender.from_twilio("+15551234567", "US") == Sender(SMS, "US")
    assert Sender.from_twilio("whatsapp:+5215512345678") == Sender(WHATSAPP, "MX")
    assert Sender.from_twilio("whatsapp:+5215512345678", "") == Sender(WHATSAPP, "MX")
    assert Sender.from_twilio("not a number") == Sender(SMS, None)
    assert Sender.from_twilio("+15551234567", "<x>") == Sender(SMS, None)


def test_the_country_of_a_whatsapp_number_is_the_one_phonenumbers_reads():
    """The short cuts (a code's only country; a North American area code read once) agree with phonenumbers'
    full read for every country's example numbers and for numbers across North America's area codes."""
    numbers = [
        phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
        for region in sorted(phonenumbers.SUPPORTED_REGIONS)
        for kind in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE, PhoneNumberType.TOLL_FREE)
        if (example := phonenumbers.example_number_for_type(region, kind)) is not None
    ]
    numbers += [f"+1{area}{exchange}{area:04d}" for area in range(200, 1000) for exchange in (234, 876)]
    assert len(numbers) > 2000
    assert [_country_of(n) for n in numbers] == [_read_country(n) for n in numbers]
    assert (_country_of("+14165550143"), _country_of("+12682345678"), _country_of("+79161234567")) == ("CA", "AG", "RU")
    assert _country_of("+12000000007") == "US"  # no such area code: the code's main country, as before
    assert _country_of("+80012345678") is None and _country_of("+1") is None and _country_of("12025550143") is None


def test_crisis_language_comes_first(library):
    reply = answer(library, "MEDS i want to end my life", US)
    assert reply.topic == "crisis" and "988" in reply.text


def test_keyword_replies_are_kept_and_nothing_personal_is(library):
    """A library keeps its replies to keywords, pages and carrier words, the same as answered afresh; crisis
    language, questions, greetings and texts with a number in them are answered afresh and never kept."""
    from service.core.replies import _answer

    library.keyword_replies.clear()
    kept = ["MEDS", "meds 2", "TERAPIA", "ESPAÑOL", "HELP", "STOP", "THERAPHY", "MEDICAMENTOS ES 2"]
    afresh = ["I want to die", "i took all my pills", "what is ECT", "hola", "MEDS 5551234567", "thanks, that helped"]
    for body in kept + afresh:
        for sender in (US, MX, Sender(WHATSAPP, "US")):
            first, again = answer(library, body, sender), answer(library, body, sender)
            assert first == again == _answer(library, body, sender)
    texts = {key[0] for key in library.keyword_replies}
    assert texts == set(kept)
    assert len(library.keyword_replies) == len(kept) * 3  # one reply per text, channel and country
    assert answer(library, "STOP", US, opted_out_by_twilio=True).messages == ()  # Twilio confirmed it: silent
    assert answer(library, "STOP", US).messages
