import re

import pytest

from service.checks import check
from service.content import load_library
from service.core.paging import SMS
from service.core.replies import Sender, answer
from service.settings import ROOT

US = Sender(SMS, "US")


def test_shipped_tree_passes(runner):
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output


def app_for(tree, make_app):
    return make_app(content_dir=tree / "content", translations_dir=tree / "translations", reload_interval=0.0)


def test_changed_english_paragraph_is_answered_in_english_and_named(content_copy, make_app, monkeypatch):
    meds = content_copy / "content" / "meds.yaml"
    text = meds.read_text()
    changed = text.replace("Lithium is a mood-stabilizing medication", "Lithium is a mood-stabilising medicine")
    assert changed != text
    meds.write_text(changed)
    line = next(n for n, text in enumerate(changed.splitlines(), 1) if "mood-stabilising" in text)

    app = app_for(content_copy, make_app)
    monkeypatch.chdir(content_copy)
    result = app.test_cli_runner().invoke(args=["translations", "update"])
    assert result.exit_code == 0, result.output

    library = load_library(content_copy / "content", content_copy / "translations", "en")
    for locale in library.locales[1:]:
        assert library.status("MEDS", locale) == "stale"
        reply = (
            answer(library, "MEDS", Sender(SMS, "US"))
            if locale == "en"
            else answer(library, f"MEDS {locale.upper()}", US)
        )
        assert reply.locale == "en", locale  # whole topic in English, not half-and-half
        assert library.status("THERAPY", locale) == "complete"
        assert answer(library, f"THERAPY {locale.upper()}", US).locale == locale

    problems = check(content_copy / "content", content_copy / "translations")
    stale = [p for p in problems if "stale" in p.text]
    assert {p.path.split("/")[-3] for p in stale} == set(library.locales[1:])
    for problem in stale:
        assert problem.path.endswith("LC_MESSAGES/messages.po") and problem.line > 1
        assert f"meds.yaml:{line}" in problem.text
    result = app.test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code != 0


@pytest.mark.parametrize(
    "edit, expected",
    [
        (lambda t: t.replace("paragraphs:", "paragraphs"), r"meds\.yaml:\d+: "),
        (
            lambda t: t.replace("keyword: MEDS", "keyword: MEDS\nkeyword: MEDS"),
            r"meds\.yaml:\d+: field 'keyword' appears twice",
        ),
        (
            lambda t: t.replace("title: medicines", "title: medicines\ncolour: blue"),
            r"meds\.yaml:\d+: unknown field 'colour'",
        ),
        (lambda t: t.replace("MEDICATION,", "THERAPY,"), r"keyword THERAPY is claimed by both"),
    ],
)
def test_malformed_content_is_named_with_file_and_line(content_copy, edit, expected):
    meds = content_copy / "content" / "meds.yaml"
    meds.write_text(edit(meds.read_text()))
    problems = check(content_copy / "content", content_copy / "translations")
    assert any(re.search(expected, str(p)) for p in problems), problems


def test_placeholder_mismatch_and_fuzzy_header_are_named(content_copy):
    po = content_copy / "translations" / "es" / "LC_MESSAGES" / "messages.po"
    text = po.read_text()
    start = text.index('msgctxt "more"')
    msgstr = text.index("msgstr", start)
    end = text.index("\n\n", msgstr)
    po.write_text(text[:msgstr] + 'msgstr "Responde {palabra} {page} para ver más"' + text[end:])
    problems = check(content_copy / "content", content_copy / "translations")
    assert any("placeholders" in p.text and p.path.endswith("es/LC_MESSAGES/messages.po") for p in problems), problems


def test_keyword_shared_across_locales_needs_a_country_rule(library):
    # DOCTOR is English and Spanish: the US answers English, Mexico Spanish.
    assert answer(library, "DOCTOR", Sender(SMS, "US")).locale == "en"
    assert answer(library, "DOCTOR", Sender(SMS, "MX")).locale == "es"
    assert not [p for p in check(ROOT / "content", ROOT / "translations") if "shared" in p.text]


def test_preview_and_report(runner):
    result = runner.invoke(args=["content", "preview", "MEDS", "--locale", "vi"])
    assert result.exit_code == 0, result.output
    assert "page 1 of" in result.output and "UCS-2" in result.output and "THUỐC" in result.output
    result = runner.invoke(args=["content", "preview", "NOPE"])
    assert result.exit_code != 0 and "choose one of" in result.output
    report = runner.invoke(args=["content", "report"]).output
    assert all(locale in report for locale in ("ar", "zh", "vi", "ht"))


def test_a_subject_listed_as_beyond_the_article_that_it_mentions_is_named(content_copy):
    """`words beyond` lists subjects our article never mentions: one its paragraphs do mention (lithium) would send
    questions the article answers to the menu, so `content check` names the list's file and line."""
    messages = content_copy / "content" / "messages.yaml"
    text = messages.read_text()
    changed = text.replace("ALCOHOL, BEER, BEERS,", "ALCOHOL, LITHIUM, BEER, BEERS,")
    assert changed != text
    messages.write_text(changed)
    problems = check(content_copy / "content", content_copy / "translations")
    named = [p for p in problems if "'words beyond' lists 'lithium'" in p.text]
    assert named and named[0].path.endswith("messages.yaml") and named[0].line > 1


def test_a_condition_listed_that_the_article_mentions_is_named(content_copy):
    """`words conditions` send questions to the menu as `words beyond` do, and are checked as they are."""
    messages = content_copy / "content" / "messages.yaml"
    text = messages.read_text()
    changed = text.replace("text: BIPOLAR, SCHIZOPHRENIA,", "text: BIPOLAR, TRICYCLIC, SCHIZOPHRENIA,")
    assert changed != text
    messages.write_text(changed)
    problems = check(content_copy / "content", content_copy / "translations")
    assert any("'words conditions' lists 'tricyclic'" in p.text for p in problems), problems
