"""Every language on equal terms (issue 12): carrier rules, a fair price on SMS, checked wording."""

import datetime as dt

import pytest

from service.checks import check, review_warnings
from service.content import load_library
from service.core import SMS, WHATSAPP, Sender, answer, segment
from service.core.segments import gsm_fold

US = Sender(SMS, "US")


def total_segments(library, locale):
    return sum(segment(p).segments for t in library.content.topics for p in library.topic_pages(t, locale, SMS).pages)


@pytest.mark.parametrize("locale", ["es", "pt", "fr"])
def test_accents_fold_on_sms_so_latin_languages_cost_about_what_english_does(library, locale):
    assert total_segments(library, locale) <= 1.4 * total_segments(library, "en")
    for topic in library.content.topics:
        for page in library.topic_pages(topic, locale, SMS).pages:
            assert segment(page).encoding == "GSM-7", (topic, page)


def test_whatsapp_keeps_every_accent_and_vietnamese_never_folds(library):
    assert "á" in "".join(library.topic_pages("MEDS", "es", WHATSAPP).pages) or "ó" in "".join(
        library.topic_pages("MEDS", "es", WHATSAPP).pages
    )
    vi = "".join(library.topic_pages("MEDS", "vi", SMS).pages)
    assert any(c in vi for c in "ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")
    assert gsm_fold("Привет") == "Привет"  # other scripts cannot fold


def test_folding_keeps_the_letters_gsm7_has_and_drops_only_the_others():
    assert gsm_fold("¿Qué comes? ¡Sí, niño!") == "¿Qué comes? ¡Si, niño!"
    assert gsm_fold("ação, você, lítio") == "acao, voce, litio"
    assert gsm_fold("même à côté") == "meme à coté"
    assert gsm_fold("ação 😀") == "ação 😀"  # an emoji keeps it UCS-2: the accents are kept too


def test_menus_break_only_between_lines_and_take_two_pages_at_most(library):
    for locale in library.locales:
        for country in (None, "US", "PH", "MX"):
            pages = library.menu_pages(locale, SMS, country).pages
            assert len(pages) <= 2, (locale, country)
            lines = library.menu_pages(locale, WHATSAPP, country).pages[0].split("\n")
            folded = {library.for_channel(locale, SMS, line) for line in lines}
            for page in pages[:-1]:
                assert all(line in folded for line in page.split("\n")[:-1]), (locale, page)


def test_help_is_one_sms_page_in_every_language_with_stop(library):
    from service.settings import ROOT

    with_contact = load_library(ROOT / "content", ROOT / "translations", "en", contact="+1 555 010 0199 textline.org/c")
    longest = max(library.content.crisis_lines, key=lambda c: len(library.crisis("en", c, short=True)))
    for locale in with_contact.locales:
        pages = with_contact.help_pages(locale, SMS, longest).pages
        assert len(pages) == 1, locale
        assert "STOP" in pages[0]


def test_a_two_page_help_fails_the_check_naming_file_and_line(content_copy):
    po = content_copy / "translations" / "es" / "LC_MESSAGES" / "messages.po"
    text = po.read_text("utf-8")
    start = text.index('msgctxt "help"')
    entry = text[start : text.index("\n\n", start)]
    msgstr = entry[entry.index("msgstr") :]
    long = 'msgstr "' + "Texto de ayuda muy largo que nadie leería entero. " * 12 + '"'
    po.write_text(text.replace(msgstr, long, 1), "utf-8")
    problems = [p for p in check(content_copy / "content", content_copy / "translations") if "HELP takes" in p.text]
    assert problems and problems[0].path.endswith("es/LC_MESSAGES/messages.po")
    line = next(n for n, row in enumerate(po.read_text("utf-8").splitlines(), 1) if row.startswith('msgctxt "help"'))
    assert line <= problems[0].line <= line + 3


def test_a_menu_shows_the_language_code_where_the_country_would_answer_in_another(library):
    us = "".join(library.menu_pages("pt", SMS, "US").pages)
    br = "".join(library.menu_pages("pt", SMS, "BR").pages)
    assert "TERAPIA PT" in us and "TERAPIA PT" not in br
    assert answer(library, "TERAPIA PT", US).locale == "pt"


def test_an_address_glued_to_the_next_word_fails_the_check(content_copy):
    po = content_copy / "translations" / "es" / "LC_MESSAGES" / "messages.po"
    text = po.read_text("utf-8")
    assert "findahelpline.com" in text
    po.write_text(text.replace('\n"findahelpline.com."', '\n"findahelpline.comdonde."', 1), "utf-8")
    problems = check(content_copy / "content", content_copy / "translations")
    assert any("runs into the next word" in p.text for p in problems)


def test_reviews_older_than_a_year_or_missing_warn_without_failing(content_copy):
    assert review_warnings(content_copy / "content", dt.date(2026, 12, 1)) == []
    assert len(review_warnings(content_copy / "content", dt.date(2028, 1, 1))) == 6
    meds = content_copy / "content" / "meds.yaml"
    text = meds.read_text("utf-8")
    start = text.index("review:")
    meds.write_text(text[:start] + text[text.index("title:") :], "utf-8")
    warnings = review_warnings(content_copy / "content", dt.date(2026, 12, 1))
    assert [w.topic for w in warnings] == ["MEDS"]
