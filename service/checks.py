"""``textline content check``: every problem in content and catalogs, with file and line."""

import re
from pathlib import Path

from babel.messages.pofile import read_po
from babel.core import get_global

from .catalogs import TEMPLATE, catalog_paths
from .content import ContentError, Message, Problem, display_path, load_content
from .library import Library, build_library
from .normalize import compact
from .paging import CHANNELS, SMS, Budget
from .replies import START_WORDS, STOP_WORDS, Sender, _pick

_PLACEHOLDER = re.compile(r"\{(\w*)\}")


def check(content_dir: Path, translations_dir: Path, default_locale: str = "en") -> list[Problem]:
    """Return every problem found; an empty list means the tree is ready to serve."""
    try:
        content = load_content(content_dir)
    except ContentError as error:
        return error.problems
    messages = content.all_messages()
    problems = _template_problems(messages, translations_dir / TEMPLATE)
    po_lines: dict[tuple[str, str, str], tuple[str, int]] = {}
    for locale, po_path in catalog_paths(translations_dir).items():
        problems += _catalog_problems(locale, po_path, messages, po_lines)
    try:
        library = build_library(content_dir, translations_dir, default_locale)
    except ContentError as error:
        return problems + error.problems
    problems += _keyword_problems(library, po_lines)
    problems += _budget_problems(library, po_lines)
    return problems


def _template_problems(messages: list[Message], pot_path: Path) -> list[Problem]:
    """What ``pybabel extract`` would change in the template."""
    shown = display_path(pot_path)
    if not pot_path.exists():
        return [Problem(shown, 1, "template is missing: run `make translations`")]
    with pot_path.open("rb") as fileobj:
        template = {(m.context, m.id): m.lineno for m in read_po(fileobj) if m.id}
    wanted = {(m.context, m.id): m for m in messages}
    problems = [
        Problem(m.path, m.line, f"{m.context!r} is not in {shown}: run `make translations`")
        for key, m in wanted.items() if key not in template
    ]
    problems += [
        Problem(shown, line, f"{context!r} is no longer in content: run `make translations`")
        for (context, msgid), line in template.items() if (context, msgid) not in wanted
    ]
    return problems


def _catalog_problems(locale, po_path, messages, po_lines) -> list[Problem]:
    shown = display_path(po_path)
    try:
        with po_path.open("rb") as fileobj:
            catalog = read_po(fileobj, locale=locale, abort_invalid=True)
    except Exception as error:  # babel raises several kinds; each names its line
        return [Problem(shown, getattr(error, "lineno", 1) or 1, f"not a valid catalog: {error}")]
    problems = []
    if catalog.fuzzy:
        problems.append(Problem(shown, 1, "the header is marked fuzzy, so pybabel compile skips the whole catalog"))
    entries = {(m.context, m.id): m for m in catalog if m.id}
    wanted = {(m.context, m.id): m for m in messages}
    for key, source in wanted.items():
        entry = entries.get(key)
        where = f"{source.path}:{source.line}"
        if entry is None:
            problems.append(Problem(shown, 1, f"missing {source.context!r} ({where}): run `make translations`"))
            continue
        po_lines[(locale, *key)] = (shown, entry.lineno)
        if entry.fuzzy:
            problems.append(Problem(shown, entry.lineno, f"stale: {source.context!r} changed in English at {where}; "
                                                         "update the translation and remove the fuzzy flag"))
        elif not entry.string:
            problems.append(Problem(shown, entry.lineno, f"untranslated {source.context!r} ({where})"))
        elif _placeholders(entry.string) != _placeholders(source.id):
            problems.append(Problem(shown, entry.lineno, f"{source.context!r}: placeholders "
                                    f"{sorted(_placeholders(entry.string))} differ from the English {sorted(_placeholders(source.id))}"))
    for key, entry in entries.items():
        if key not in wanted:
            problems.append(Problem(shown, entry.lineno, f"{entry.context!r} is no longer in content: run `make translations`"))
    for entry in catalog.obsolete.values():
        problems.append(Problem(shown, entry.lineno, f"obsolete entry {entry.context!r}: delete it"))
    return problems


def _keyword_problems(library: Library, po_lines) -> list[Problem]:
    content = library.content
    problems = []
    reserved = STOP_WORDS | START_WORDS
    for locale in library.locales:
        owners: dict[str, str] = {}
        for name, topic in content.topics.items():
            where = _where(po_lines, locale, topic.keywords)
            words = library.words(locale, topic.keywords) + (list(topic.aliases) if locale == "en" else [])
            for word in words:
                key = compact(word)
                if key in reserved or key in library.menu_words or key in library.help_words:
                    problems.append(Problem(*where, f"{locale}: keyword {word} of {name} is also a reserved, menu or help word"))
                elif owners.setdefault(key, name) != name:
                    problems.append(Problem(*where, f"{locale}: keyword {word} is claimed by both {owners[key]} and {name}"))
    for key, by_locale in library.topic_words.items():
        if len(by_locale) > 1:
            problems += _unreachable(library, key, by_locale, po_lines)
    return problems


def _unreachable(library: Library, key: str, by_locale: dict[str, str], po_lines) -> list[Problem]:
    """A word shared by languages must reach each of them from some country."""
    candidates = set(by_locale)
    reached = {_pick(library, candidates, Sender(SMS, country)) for country in _countries()}
    reached.add(_pick(library, candidates, Sender(SMS, None)))
    problems = []
    for locale in sorted(candidates - reached):
        topic = library.content.topics[by_locale[locale]]
        problems.append(Problem(*_where(po_lines, locale, topic.keywords),
                                f"{locale}: keyword {key.upper()} is shared with {', '.join(sorted(candidates - {locale}))} "
                                "and no country rule (content/countries.yaml or CLDR) ever chooses this language for it"))
    return problems


def _budget_problems(library: Library, po_lines) -> list[Problem]:
    problems = []
    countries = [None, *library.content.crisis_lines]
    for locale in library.locales:
        for channel in CHANNELS:
            budget = Budget(channel)
            for topic in library.content.topics:
                pages = library.topic_pages(topic, locale, channel)
                for number, page in enumerate(pages.pages, 1):
                    if not budget.fits(page):
                        where = _where(po_lines, locale, library.content.topics[topic].paragraphs[0])
                        problems.append(Problem(*where, f"{locale} {topic} page {number} is over the {channel} budget"))
            for country in countries:
                texts = [*library.menu_pages(locale, channel, country).pages, *library.help_pages(locale, channel, country).pages]
                texts.append(library.crisis(locale, country))
                for text in texts:
                    if not budget.fits(text):
                        problems.append(Problem(*_where(po_lines, locale, library.content.messages["menu"]),
                                                f"{locale}: a menu, help or crisis reply for {country or 'other countries'} "
                                                f"is over the {channel} budget: {text[:40]!r}..."))
        for name in ("stop", "start", "slow_down"):
            if not Budget(SMS).fits(library.message(name, locale)):
                problems.append(Problem(*_where(po_lines, locale, library.content.messages[name]),
                                        f"{locale}: {name} reply is over the SMS budget"))
    return problems


def _where(po_lines, locale: str, message: Message) -> tuple[str, int]:
    if locale == "en":
        return message.path, message.line
    return po_lines.get((locale, message.context, message.id), (message.path, message.line))


def _placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def _countries() -> list[str]:
    return sorted(get_global("territory_languages"))
