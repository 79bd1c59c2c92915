"""What staff and translators are told is routine never takes the line down (issue 9).

Each test edits a private copy of content/ and translations/ the way a
person would, then loads it as the service does at a start or a hot reload.
"""

import os
import shutil
import stat
import tokenize

import pytest

from service.checks import check
from service.content import authoring, live_library, load_library
from service.core import SMS, Sender, answer, needs

MX, US, CH = Sender(SMS, "MX"), Sender(SMS, "US"), Sender(SMS, "CH")


def load(tree, **kwargs):
    return load_library(tree / "content", tree / "translations", "en", **kwargs)


def po(tree, locale):
    return tree / "translations" / locale / "LC_MESSAGES" / "messages.po"


def edit(path, old, new):
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def line_of(path, start):
    """The number of the first line of ``path`` that starts with ``start``."""
    return next(n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if line.startswith(start))


def menu_text(library, locale, country="MX"):
    return "\n".join(library.menu_pages(locale, SMS, country).pages)


def problems_about(problems, needle):
    return [p for p in problems if needle in p.text]


# -- 1. a new topic, or a changed title, falls back on its own menu line -----------------------------


def test_a_new_topic_leaves_the_rest_of_the_menu_in_the_persons_language(content_copy):
    (content_copy / "content" / "sleep.yaml").write_text(
        "keyword: SLEEP\ntitle: sleep\nparagraphs:\n  - Sleep paragraph one.\n  - Sleep paragraph two.\n"
    )
    edit(content_copy / "content" / "messages.yaml", "ABOUT]", "ABOUT, SLEEP]")
    authoring.update(content_copy / "content", content_copy / "translations")
    library = load(content_copy)
    reply = answer(library, "MENU ES", MX)
    assert reply.locale == "es"
    menu = menu_text(library, "es")
    assert "SLEEP sleep" in menu  # the new line, in English until translated
    assert "MEDICAMENTOS" in menu and "medicinas" in menu and "Idiomas" in menu
    assert "medicines" not in menu


def test_an_edited_english_title_falls_back_on_that_line_only(content_copy):
    edit(content_copy / "content" / "meds.yaml", "title: medicines", "title: medicines and pills")
    authoring.update(content_copy / "content", content_copy / "translations")
    menu = menu_text(load(content_copy), "es")
    assert "MEDS medicines and pills" in menu
    assert "TERAPIA" in menu and "Idiomas" in menu


# -- 2. a new, empty language is not offered ---------------------------------------------------------


def test_an_empty_new_language_is_not_offered(content_copy, make_app):
    authoring.init(content_copy / "translations", "uk")
    library = load(content_copy)
    assert "uk" not in library.locales and "menu" in library.pending["uk"]
    assert " UK" not in menu_text(library, "en", "US") and " UK" not in menu_text(library, "es")
    app = make_app(content_dir=content_copy / "content", translations_dir=content_copy / "translations")
    result = app.test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code != 0
    assert "not offered yet: uk" in result.output and "A language is offered once" in result.output


# -- 3. a twelfth language needs no code: scripts come from the catalogs --------------------------------


def test_a_second_cyrillic_language_is_chosen_by_country(content_copy):
    uk = content_copy / "translations" / "uk" / "LC_MESSAGES"
    uk.mkdir(parents=True)
    shutil.copy(po(content_copy, "ru"), uk / "messages.po")
    library = load(content_copy)
    assert {"ru", "uk"} <= set(library.locales)
    assert answer(library, "привіт, що це", Sender(SMS, "UA")).locale == "uk"
    assert answer(library, "привет, что это", Sender(SMS, "RU")).locale == "ru"


def test_no_locale_is_named_in_the_service_code():
    """Which language a script or a country suggests comes from the catalogs and content/, not from code."""
    from service.settings import ROOT

    shipped = {p.parent.parent.name for p in (ROOT / "translations").glob("*/LC_MESSAGES/messages.po")}
    for path in (ROOT / "service").rglob("*.py"):
        with path.open("rb") as source:
            for token in tokenize.tokenize(source.readline):
                if token.type == tokenize.STRING and token.string.strip("\"'") in shipped:
                    pytest.fail(f"{path}:{token.start[0]}: locale {token.string} named in code")


# -- 5. the messages each reply needs are declared once ---------------------------------------------------


def test_a_missing_slow_down_message_is_named_and_the_last_good_version_serves(content_copy, make_app, tmp_path):
    instance = tmp_path / "kept"
    load(content_copy, last_good=instance / "last-good")  # a start that saw the good file keeps it
    edit(content_copy / "content" / "messages.yaml", "  slow_down:\n", "  slowdown:\n")
    problems = check(content_copy / "content", content_copy / "translations")
    found = problems_about(problems, "'slow_down' is missing")
    assert found and found[0].path.endswith("messages.yaml") and found[0].line > 1
    app = make_app(
        content_dir=content_copy / "content",
        translations_dir=content_copy / "translations",
        instance_dir=instance,
        flood_limit=2,
        twilio_auth_token="",
    )
    client = app.test_client()
    replies = [client.post("/sms", data={"Body": "MEDS", "From": "+15550001234"}).data.decode() for _ in range(3)]
    assert "many messages" in replies[2] and "antidepressant" not in replies[2]
    assert app.extensions["textline"].library.current().message(needs.SLOW_DOWN, "en")


def test_every_declared_message_exists_in_the_shipped_content(library):
    assert set(needs.MESSAGES) <= set(library.content.messages)
    assert set(needs.WORDS) <= set(library.content.words)
    assert set(needs.CRISIS_MESSAGES) <= set(library.content.crisis_messages)


# -- 6. a translator's mistake touches only what it breaks ---------------------------------------------------


def test_a_renamed_placeholder_is_named_and_everything_still_starts(content_copy, make_app):
    edit(
        po(content_copy, "es"),
        'msgstr "Responde {keyword} {page} para ver más"',
        'msgstr "Responde {palabra} {page} para ver más"',
    )
    problems = check(content_copy / "content", content_copy / "translations")
    found = problems_about(problems, "placeholders ['page', 'palabra'] differ")
    assert (
        found
        and found[0].path.endswith("es/LC_MESSAGES/messages.po")
        and found[0].line == line_of(po(content_copy, "es"), 'msgid "Reply {keyword} {page} for more"')
    )
    library = load(content_copy)
    assert "{" not in answer(library, "MEDS ES", MX).text
    app = make_app(content_dir=content_copy / "content", translations_dir=content_copy / "translations")
    runner = app.test_cli_runner()
    text = runner.invoke(args=["text", "TERAPIA", "--country", "MX"])
    assert text.exit_code == 0 and "locale" in text.output.splitlines()[-1]
    assert "988" in runner.invoke(args=["text", "quiero morir", "--country", "US"]).output
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0


def test_hot_reload_serves_only_what_the_check_accepts(content_copy):
    live = live_library(content_copy / "content", content_copy / "translations", "en", interval=0)
    before = live.current()
    good_crisis = before.crisis("es", "US")
    edit(
        po(content_copy, "es"),
        'msgstr "Responde {keyword} {page} para ver más"',
        'msgstr "Responde {keyword} para ver más"',
    )
    edit(po(content_copy, "es"), 'msgstr "TERAPIA, PSICOTERAPIA', 'msgstr "MEDICAMENTOS, TERAPIA, PSICOTERAPIA')
    text = po(content_copy, "es").read_text("utf-8")
    start = text.index('msgctxt "crisis call_or_text"')
    entry_end = text.index("\n\n", start)
    entry = text[start:entry_end]
    long = entry.split("msgstr ")[0] + 'msgstr "' + "Muy largo. " * 60 + ' {number}"'
    po(content_copy, "es").write_text(text[:start] + long + text[entry_end:], "utf-8")
    os.utime(po(content_copy, "es"), ns=(1, 1))  # a new stamp whatever the clock's resolution
    after = live.current()
    assert after is not before
    assert after.catalogs["es"].get("more", "Reply {keyword} {page} for more") is None
    assert after.topic_words["medicamentos"]["es"] == "MEDS"
    assert after.crisis("es", "US") == good_crisis  # the last good version, not the over-long one
    assert problems_about(after.problems, "too long")


def test_an_unclosed_quote_is_caught_like_msgfmt_does(content_copy):
    edit(
        po(content_copy, "es"),
        'msgstr "Responde {keyword} {page} para ver más"',
        'msgstr "Responde {keyword} {page} para ver más',
    )
    problems = check(content_copy / "content", content_copy / "translations")
    line = line_of(po(content_copy, "es"), 'msgstr "Responde {keyword} {page} para ver más')
    assert any(p.path.endswith("es/LC_MESSAGES/messages.po") and p.line == line for p in problems)
    library = load(content_copy)
    assert "es" not in library.locales  # a catalog GNU gettext would not compile is not served
    assert answer(library, "TERAPIA", MX).locale in ("pt", "en")


def test_a_fuzzy_entry_whose_english_did_not_change_says_so(content_copy):
    edit(po(content_copy, "es"), 'msgctxt "more"\n', '#, fuzzy\nmsgctxt "more"\n')
    found = [p for p in check(content_copy / "content", content_copy / "translations") if "'more'" in p.text]
    assert found and "marked fuzzy" in found[0].text and "changed in English" not in found[0].text


def test_a_new_language_does_not_take_over_anothers_keyword(content_copy):
    live = live_library(content_copy / "content", content_copy / "translations", "en", interval=0)
    assert answer(live.current(), "THÉRAPIE", CH).locale == "fr"
    de = content_copy / "translations" / "de" / "LC_MESSAGES"
    de.mkdir(parents=True)
    shutil.copy(po(content_copy, "fr"), de / "messages.po")  # German starts from the French words
    reloaded = live.current()
    assert "de" in reloaded.locales
    assert answer(reloaded, "THÉRAPIE", CH).locale == "fr"
    problems = check(content_copy / "content", content_copy / "translations")
    assert problems_about(problems, "keyword THERAPIE is shared by de and fr")


def test_catalogs_stay_readable_by_everyone(content_copy):
    edit(po(content_copy, "es"), "Revisar tus medicamentos", "Revisar sus medicamentos")
    load(content_copy)
    for mo in (content_copy / "translations").rglob("*.mo"):
        assert stat.S_IMODE(mo.stat().st_mode) & 0o044 == 0o044, mo


def test_a_broken_topic_file_leaves_out_only_that_topic_after_a_restart(content_copy):
    (content_copy / "content" / "meds.yaml").write_text("keyword: MEDS\nparagraphs: [unclosed\n")
    library = load(content_copy)
    assert "MEDS" not in library.content.topics and "THERAPY" in library.content.topics
    assert answer(library, "THERAPY", US).topic == "THERAPY"
    assert any(p.path.endswith("meds.yaml") for p in library.problems)


@pytest.mark.parametrize("name", ["messages.yaml", "crisis.yaml"])
def test_a_broken_shared_file_serves_its_last_good_version_after_a_restart(content_copy, tmp_path, name):
    kept = tmp_path / "last-good"
    load(content_copy, last_good=kept)
    (content_copy / "content" / name).write_text("messages: [unclosed\n")
    library = load(content_copy, last_good=kept)
    assert "988" in answer(library, "I want to die", US).text
    assert "medicines" in answer(library, "MENU", US).text
    assert problems_about(library.problems, "last good version")
