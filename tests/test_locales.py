import pytest

from service.core.paging import SMS, WHATSAPP
from service.core.replies import Sender, answer
from service.core.segments import segment

US = Sender(SMS, "US")
LOCALES = ["es", "zh", "vi", "tl", "ar", "ko", "ru", "ht", "fr", "pt"]
SCRIPTS = {"zh": "\u4e00-\u9fff", "ko": "\uac00-\ud7af", "ar": "\u0600-\u06ff", "ru": "\u0400-\u04ff"}


@pytest.mark.parametrize("locale", LOCALES)
def test_ten_locales_answer_meds_and_menu_in_their_language(library, locale):
    for body in (f"MEDS {locale.upper()}", f"MENU {locale.upper()}"):
        reply = answer(library, body, US)
        assert reply.locale == locale, body
        assert segment(reply.text).segments <= 3
        if locale in SCRIPTS:
            import re

            assert re.search(f"[{SCRIPTS[locale]}]", reply.text)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_page_of_every_topic_is_within_budget_and_complete(library, locale):
    for topic in library.content.topics:
        assert library.status(topic, locale) == "complete", (topic, locale)
        for page in library.topic_pages(topic, locale, SMS).pages:
            assert segment(page).segments <= 3
        for page in library.topic_pages(topic, locale, WHATSAPP).pages:
            assert len(page) <= 1600


@pytest.mark.parametrize("locale", LOCALES)
def test_localized_keywords_and_language_words_decide(library, locale):
    for topic in library.content.topics.values():
        word = library.words(locale, topic.keywords)[0]
        reply = answer(library, word, Sender(SMS, None))
        assert reply.topic == topic.name
    name = library.words(locale, library.content.words["language"])[0]
    assert answer(library, name, US).locale == locale


@pytest.mark.parametrize(
    "body, locale",
    [
        ("MEDS ES", "es"),
        ("TERAPIA", "es"),
        ("MENU ES", "es"),
        ("ESPAÑOL", "es"),
        ("espanol", "es"),
        ("药物", "zh"),
        ("药物2", "zh"),
        ("中文", "zh"),
        ("TIẾNG VIỆT", "vi"),
        ("tieng viet", "vi"),
        ("العربية", "ar"),
        ("한국어", "ko"),
        ("РУССКИЙ", "ru"),
        ("FRANÇAIS", "fr"),
        ("MEDS PT", "pt"),
        ("你好", "zh"),
        ("안녕하세요", "ko"),  # not understood: menu in the script's language
    ],
)
def test_language_choice(library, body, locale):
    assert answer(library, body, US).locale == locale


@pytest.mark.parametrize("country, locale", [("US", "en"), ("MX", "es"), ("ES", "es"), ("GB", "en"), (None, "en")])
def test_shared_keyword_follows_country(library, country, locale):
    assert answer(library, "DOCTOR", Sender(SMS, country)).locale == locale


def test_whatsapp_sender_without_country_uses_calling_code(library):
    assert answer(library, "DOCTOR", Sender.from_twilio("whatsapp:+5215512345678")).locale == "es"


def test_page_hints_lead_back_to_the_same_language(library):
    for locale in LOCALES:
        body = f"MEDS {locale.upper()}"
        for _ in range(30):
            reply = answer(library, body, US)
            assert reply.locale == locale, (locale, body)
            last = reply.text.rsplit("\n", 1)[-1]
            pages = library.topic_pages("MEDS", locale, SMS)
            if reply.page == len(pages.pages):
                break
            assert pages.keyword in last
            body = f"{pages.keyword} {reply.page + 1}"
        else:
            pytest.fail("hints never reached the last page")


def test_fallback_chain_is_explicit(library):
    assert library.chain("es_MX") == ["es", "en"]
    assert library.chain("en") == ["en"]


def test_an_english_term_inside_a_spanish_question_leaves_it_spanish(library):
    """TMS is an English alias of BRAIN, and Spanish catalogs write it too ("¿qué es la EMT o TMS?"): it names
    both languages, and the Spanish words around it decide."""
    for text in ("¿qué es la TMS?", "que es la TMS"):
        assert answer(library, text, Sender(SMS, "MX")).locale == "es"
    assert answer(library, "what is TMS", Sender(SMS, "US")).locale == "en"


@pytest.mark.parametrize(
    ("body", "country", "locale"),
    [
        ("shu ya3ni ikti2ab mo2awem lal 3elaj", "US", "ar"),  # Arabic in Latin letters, from anywhere
        ("el dawa ba3d shahr", "LB", "ar"),  # one such word, from a country whose first language is Arabic
        ("i wanna k!ll mys3lf", "US", "en"),  # a digit for a letter in English is not Arabic
        ("meet me at 3am", "EG", "en"),
    ],
)
def test_arabic_written_in_latin_letters_is_answered_in_arabic(library, body, country, locale):
    reply = answer(library, body, Sender(SMS, country))
    assert reply.locale == locale
    if locale == "ar":  # its words cannot be looked up in the Arabic paragraphs: the menu, never a guess
        assert reply.topic == "unknown" and "Arabic in Latin letters" in reply.why


@pytest.mark.parametrize(
    ("body", "country", "locale", "topic"),
    [
        ("vrach khochet dobavit' litiy k antidepressantu, eto normal'no?", "US", "ru", "MEDS"),  # one scheme...
        ("vrach hochet dobavit litij k antidepressantu", "DE", "ru", "MEDS"),  # ... or another
        ("kak poluchit recept na fevarin bez ocheredi", "RU", "ru", "unknown"),  # not in the article: the menu
        ("psilocybin terapiya pomogaet?", "RU", "ru", "unknown"),  # one Russian word, from Russia ("terapiya": tl)
        ("can the doctor add lithium to my antidepressant", "RU", "en", "MEDS"),  # English stays English
        ("pwede bang dagdagan ng doktor ng lithium ang gamot ko", "PH", "tl", "MEDS"),
    ],
)
def test_russian_written_in_latin_letters_is_looked_up_in_russian(library, body, country, locale, topic):
    """Words of the Russian catalog typed in Latin letters, whichever usual spelling, make a third of the message:
    it is read as those Russian words, and answered in Russian from the Russian paragraphs."""
    reply = answer(library, body, Sender(SMS, country))
    assert (reply.locale, reply.topic) == (locale, topic)
    assert ("Cyrillic in Latin letters" in reply.why) == (locale == "ru")
    if locale == "ru" and topic == "MEDS":  # the paragraph the same words in Cyrillic get: "litiy" is литий
        cyrillic = answer(library, "врач хочет добавить литий к антидепрессанту", Sender(SMS, country))
        assert reply.text == cyrillic.text and "Литий" in reply.text


@pytest.mark.parametrize(("body", "country"), [("chào ad ạ", "VN"), ("chào ad ạ", "US"), ("dạ", "US")])
def test_a_letter_only_one_catalog_writes_tells_the_language(library, body, country):
    """ "chao" and "a" are Spanish words too: the letter ạ, which only the Vietnamese catalog writes, decides."""
    reply = answer(library, body, Sender(SMS, country))
    assert reply.locale == "vi" and "its own letters" in reply.why


def test_a_latin_1_letter_tells_no_language(library):
    """Italian, which we do not serve, writes ì as Vietnamese does: only letters beyond Latin-1 decide."""
    assert answer(library, "così non va bene", Sender(SMS, "US")).locale != "vi"
