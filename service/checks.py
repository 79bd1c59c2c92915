"""``textline content check``: every problem in content and catalogs, with file and line.

It runs the same validation as the loader and hot reload (``Library.problems``:
what is not served), then what only authors need to hear: a template or
catalog out of date, untranslated or stale entries, lines GNU msgfmt rejects,
keywords no country ever reaches, replies over their budget.
"""

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

from babel.core import get_global
from babel.messages.pofile import read_po

from .content import TEMPLATE, catalog_paths, display_path, load_library, read_catalog
from .core import (
    CHANNELS,
    SMS,
    SOURCE_LOCALE,
    Budget,
    ContentError,
    Library,
    Message,
    Problem,
    Sender,
    needs,
    pick_locale,
)


def check(content_dir: Path, translations_dir: Path, default_locale: str = "en") -> list[Problem]:
    """Return every problem found; an empty list means the tree is ready to serve."""
    try:
        library = load_library(content_dir, translations_dir, default_locale)
    except ContentError as error:
        return error.problems
    messages = library.content.all_messages()
    problems = list(library.problems)
    problems += _template_problems(messages, translations_dir / TEMPLATE)
    for locale, po_path in catalog_paths(translations_dir).items():
        problems += _msgfmt_problems(locale, po_path)
        problems += _catalog_problems(locale, po_path, messages)
    problems += _glued_addresses(library)
    problems += _unreachable_keywords(library)
    problems += _beyond_in_the_article(library)
    problems += _budget_problems(library)
    with_contact = load_library(content_dir, translations_dir, default_locale, contact=SAMPLE_CONTACT)
    problems += _carrier_problems(with_contact)
    return _unique(problems)


# HELP must fit one SMS page with a clinic contact this long (and the longest crisis line of any country).
SAMPLE_CONTACT = "+1 555 010 0199 textline.org/c"
MENU_PAGES = 2


def _carrier_problems(library: Library) -> list[Problem]:
    """HELP in one SMS page (CTIA: program, how to stop, rates in the first message); menus in two at most."""
    problems = []
    messages = library.content.messages
    countries = [None, *library.content.crisis_lines]
    longest = max(countries, key=lambda c: len(library.crisis(SOURCE_LOCALE, c, short=True)))
    for locale in library.locales:
        help_pages = library.help_pages(locale, SMS, longest).pages
        if len(help_pages) > 1:
            problems.append(
                Problem(
                    *_where(library, locale, messages["help"]),
                    f"{locale}: HELP takes {len(help_pages)} SMS pages with a {len(SAMPLE_CONTACT)}-"
                    f"character clinic contact and the crisis line for {longest}; carriers need it in "
                    "one: shorten the help text",
                    locale,
                )
            )
        for country in countries:
            menu = library.menu_pages(locale, SMS, country).pages
            if len(menu) > MENU_PAGES:
                problems.append(
                    Problem(
                        *_where(library, locale, messages["menu"]),
                        f"{locale}: the menu takes {len(menu)} SMS pages for {country or 'other countries'}; "
                        f"at most {MENU_PAGES}: shorten the menu or the topic titles",
                        locale,
                    )
                )
                break
    return problems


REVIEW_DAYS = 365


def review_warnings(content_dir: Path, today: dt.date | None = None) -> list[Problem]:
    """Topics whose review is missing or older than a year: a warning for staff, never a failure."""
    from .content import read_content

    today = today or dt.date.today()
    content, _ = read_content(content_dir)
    warnings = []
    for name, topic in content.topics.items():
        review = topic.review
        if review is None:
            warnings.append(
                Problem(
                    topic.keywords.path, 1, f"{name}: no review: add review: date, by (a role) and source", topic=name
                )
            )
        elif (today - dt.date.fromisoformat(review.date)).days > REVIEW_DAYS:
            warnings.append(
                Problem(
                    topic.keywords.path,
                    review.line,
                    f"{name}: last reviewed {review.date}, more "
                    f"than {REVIEW_DAYS} days ago: review it against its source",
                    topic=name,
                )
            )
    return warnings


def _unique(problems: list[Problem]) -> list[Problem]:
    seen, kept = set(), []
    for problem in problems:
        if (problem.path, problem.line, problem.text) not in seen:
            seen.add((problem.path, problem.line, problem.text))
            kept.append(problem)
    return kept


def _template_problems(messages: list[Message], pot_path: Path) -> list[Problem]:
    """What ``pybabel extract`` would change in the template."""
    shown = display_path(pot_path)
    if not pot_path.exists():
        return [Problem(shown, 1, "template is missing: run `make translations`")]
    with pot_path.open("rb") as fileobj:
        template = {(m.context, m.id): m.lineno or 1 for m in read_po(fileobj) if m.id}
    wanted = {(m.context, m.id): m for m in messages}
    problems = [
        Problem(m.path, m.line, f"{m.context!r} is not in {shown}: run `make translations`", topic=m.topic)
        for key, m in wanted.items()
        if key not in template
    ]
    problems += [
        Problem(shown, line, f"{context!r} is no longer in content: run `make translations`")
        for (context, msgid), line in template.items()
        if (context, msgid) not in wanted
    ]
    return problems


def _msgfmt_problems(locale: str, po_path: Path) -> list[Problem]:
    """GNU gettext's own verdict, where msgfmt is installed (`make test` installs it)."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        return []
    result = subprocess.run(
        [msgfmt, "--check", "--output-file", "/dev/null", str(po_path)], capture_output=True, text=True, timeout=60
    )
    if result.returncode == 0:
        return []
    shown = display_path(po_path)
    problems = []
    for line in result.stderr.splitlines():
        parts = line.split(":", 3)  # file:line: message
        if len(parts) >= 3 and parts[1].strip().isdigit():
            problems.append(Problem(shown, int(parts[1]), f"{locale}: msgfmt: {parts[-1].strip()}", locale))
    return problems or [Problem(shown, 1, f"{locale}: msgfmt --check failed: {result.stderr.strip()[:200]}", locale)]


def _catalog_problems(locale: str, po_path: Path, messages: list[Message]) -> list[Problem]:
    try:
        catalog = read_catalog(locale, po_path)
    except ContentError:
        return []  # the loader already named the line
    shown = display_path(po_path)
    problems = []
    entries = {(m.context, m.id): m for m in catalog if m.id}
    wanted = {(m.context, m.id): m for m in messages}
    for key, source in wanted.items():
        entry = entries.get(key)
        where = f"{source.path}:{source.line}"
        if entry is None:
            problems.append(
                Problem(
                    shown,
                    1,
                    f"{locale}: missing {source.context!r} ({where}): run `make translations`",
                    locale,
                    source.topic,
                )
            )
        elif entry.fuzzy:
            previous = getattr(entry, "previous_id", None) or []
            changed = previous and previous[0] != source.id
            why = f"changed in English at {where}" if changed else f"marked fuzzy (needs review; English at {where})"
            problems.append(
                Problem(
                    shown,
                    entry.lineno,
                    f"{locale}: stale: {source.context!r} {why}; update the translation and remove the fuzzy flag",
                    locale,
                    source.topic,
                )
            )
        elif not entry.string:
            problems.append(
                Problem(
                    shown, entry.lineno, f"{locale}: untranslated {source.context!r} ({where})", locale, source.topic
                )
            )
    for key, entry in entries.items():
        if key not in wanted:
            problems.append(
                Problem(
                    shown,
                    entry.lineno,
                    f"{locale}: {entry.context!r} is no longer in content: run `make translations`",
                    locale,
                )
            )
    for entry in catalog.obsolete.values():
        problems.append(Problem(shown, entry.lineno, f"{locale}: obsolete entry {entry.context!r}: delete it", locale))
    return problems


def _where(library: Library, locale: str, message: Message) -> tuple[str, int]:
    if locale == SOURCE_LOCALE or locale not in library.catalogs:
        return message.path, message.line
    catalog = library.catalogs[locale]
    return catalog.path, catalog.line(message)


# A web address must be followed by a space, punctuation or the end: "findahelpline.com에서" is not a link.
_GLUED_ADDRESS = re.compile(r"\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|gov|info|io)(?=[^\s.,;:!?)\]\"'/。，、！？）」])")


def _glued_addresses(library: Library) -> list[Problem]:
    problems = []
    for locale in library.locales[1:]:
        catalog = library.catalogs[locale]
        for message in library.content.all_messages():
            text = catalog.get(message.context, message.id) or ""
            match = _GLUED_ADDRESS.search(text)
            if match:
                problems.append(
                    Problem(
                        catalog.path,
                        catalog.line(message),
                        f"{locale}: {message.context!r}: the "
                        f"address {match.group(0)} runs into the next word; phones may not see the "
                        "link: add a space or punctuation after it",
                        locale,
                        message.topic,
                    )
                )
    return problems


def _beyond_in_the_article(library: Library) -> list[Problem]:
    """A subject listed as one our article never mentions (``words beyond``, ``words conditions``) must not be in
    its paragraphs or example questions: a question about it would get the menu although the article answers it."""
    problems = []
    for name, found in ((needs.BEYOND, library.beyond), (needs.CONDITIONS, library.conditions)):
        listed = library.content.words[name]
        for locale in library.locales:
            if not found[locale]:
                continue
            for topic in library.content.topics.values():
                for message in (*topic.paragraphs, *topic.questions):
                    if named := found[locale].find(library.text(locale, message) or ""):
                        problems.append(
                            Problem(
                                *_where(library, locale, listed),
                                f"{locale}: 'words {name}' lists '{named}', but {message.context!r} says it: "
                                "take it off the list (our article does mention it)",
                                locale,
                            )
                        )
    return problems


def _unreachable_keywords(library: Library) -> list[Problem]:
    """A word shared by languages must reach each of them from some country."""
    countries = [None, *sorted(get_global("territory_languages"))]
    problems = []
    for key, by_locale in library.topic_words.items():
        if len(by_locale) < 2:
            continue
        candidates = set(by_locale)
        reached = {pick_locale(library, candidates, Sender(SMS, country)) for country in countries}
        for locale in sorted(candidates - reached):
            topic = library.content.topics[by_locale[locale]]
            problems.append(
                Problem(
                    *_where(library, locale, topic.keywords),
                    f"{locale}: keyword {key.upper()} is shared with "
                    f"{', '.join(sorted(candidates - {locale}))} and no country rule "
                    "(content/countries.yaml or CLDR) ever chooses this language for it",
                    locale,
                    topic.name,
                )
            )
    return problems


def _budget_problems(library: Library) -> list[Problem]:
    problems = []
    countries = [None, *library.content.crisis_lines]
    messages = library.content.messages
    for locale in library.locales:
        for channel in CHANNELS:
            budget = Budget(channel)
            for name, topic in library.content.topics.items():
                for number, page in enumerate(library.topic_pages(name, locale, channel).pages, 1):
                    if not budget.fits(page):
                        problems.append(
                            Problem(
                                *_where(library, locale, topic.paragraphs[0]),
                                f"{locale} {name} page {number} is over the {channel} budget",
                                locale,
                                name,
                            )
                        )
            for country in countries:
                texts = [
                    *library.menu_pages(locale, channel, country).pages,
                    *library.help_pages(locale, channel, country).pages,
                    library.crisis(locale, country),
                ]
                for text in texts:
                    if not budget.fits(text):
                        problems.append(
                            Problem(
                                *_where(library, locale, messages["menu"]),
                                f"{locale}: a menu, help or crisis reply for "
                                f"{country or 'other countries'} is over the {channel} budget: "
                                f"{text[:40]!r}...",
                                locale,
                            )
                        )
        for name in ("stop", "start", "slow_down"):
            if not Budget(SMS).fits(library.message(name, locale)):
                problems.append(
                    Problem(
                        *_where(library, locale, messages[name]),
                        f"{locale}: {name} reply is over the SMS budget",
                        locale,
                    )
                )
    return problems
