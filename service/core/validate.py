"""The one validation of translations against the content, run by the loader, hot reload and `content check`.

What fails is not served: a broken entry is withheld, so its reply falls back
along the locale chain as if it were untranslated. Crisis texts are never
withheld without a replacement: they keep their last good version (from the
Library serving before this edit) or fall back to English.
"""

import string
from typing import TYPE_CHECKING

from . import needs
from .lookup import SOURCE_LOCALE, split_words
from .menus import crisis_messages
from .model import Catalog, Content, Message, Problem
from .normalize import compact
from .paging import CHANNELS, Budget
from .segments import gsm_friendly

if TYPE_CHECKING:
    from .library import Library


def placeholders(text: str) -> set[str] | None:
    """The ``{names}`` in ``text``, or None when its braces are broken."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return None


def validate(
    content: Content, catalogs: dict[str, Catalog], previous: "Library | None" = None
) -> tuple[dict[str, Catalog], list[Problem]]:
    """``catalogs`` less what must not be served, and every problem found, with file, line, locale and topic."""
    problems: list[Problem] = []
    checked = {}
    crisis = {(m.context, m.id) for m in [*content.crisis_messages.values(), *content.crisis_lists.values()]}
    by_key = {(m.context, m.id): m for m in content.all_messages()}
    for locale, catalog in sorted(catalogs.items()):
        withheld: dict[tuple[str, str], str] = {}  # key -> why
        for message in content.all_messages():
            text = catalog.get(message.context, message.id)
            if text is None:
                continue
            found, wanted = placeholders(text), placeholders(message.id)
            if found is None:
                withheld[(message.context, message.id)] = "has a brace { or } that is not a {placeholder}"
            elif found != wanted:
                withheld[(message.context, message.id)] = (
                    f"placeholders {sorted(found)} differ from the English {sorted(wanted or ())}"
                )
        withheld |= _over_budget_crisis(content, catalog)
        for key, why in withheld.items():
            message = by_key[key]
            keeps = "withheld: answered in the fallback language"
            if key in crisis:
                keeps = "keeps its last good version" if _last_good(previous, locale, key) else "answered in English"
            problems.append(_problem(catalog, message, f"{locale}: {message.context!r} {why}; {keeps} until fixed"))
        catalog = catalog.without(withheld)
        restored = {key: text for key in withheld if key in crisis and (text := _last_good(previous, locale, key))}
        catalog = catalog.overriding(restored)
        catalog, keyword_problems = _keyword_clashes(content, catalog)
        problems += keyword_problems
        checked[locale] = catalog
    checked, overlap_problems = _overlaps(content, checked, previous)
    return checked, problems + overlap_problems


def _problem(catalog: Catalog, message: Message, text: str) -> Problem:
    return Problem(catalog.path, catalog.line(message), text, catalog.locale, message.topic)


def _last_good(previous: "Library | None", locale: str, key: tuple[str, str]) -> str | None:
    if previous is None or locale not in previous.catalogs:
        return None
    return previous.catalogs[locale].get(*key)


def _over_budget_crisis(content: Content, catalog: Catalog) -> dict[tuple[str, str], str]:
    """Crisis replies that would not fit one page in some channel, by their messages."""
    too_long: dict[tuple[str, str], str] = {}
    for country in ("default", *content.crisis_lines):
        line = content.crisis_lines.get(country)
        fields = {"number": line.number, "emergency": line.emergency} if line else {}
        for short in (False, True):
            messages = crisis_messages(content, country, short)
            texts = [catalog.get(m.context, m.id) for m in messages]
            if any(t is None for t in texts) or any(
                placeholders(t or "") != placeholders(m.id) for t, m in zip(texts, messages, strict=True)
            ):
                continue
            reply = gsm_friendly(" ".join((t or "").format(**fields) for t in texts))
            for channel in CHANNELS:
                if not Budget(channel).fits(reply):
                    for m in messages:
                        too_long[(m.context, m.id)] = (
                            f"makes the crisis reply for {country} too long for one {channel} page"
                        )
    return too_long


def _keyword_clashes(content: Content, catalog: Catalog) -> tuple[Catalog, list[Problem]]:
    """Withhold a keyword that is a carrier, menu or help word, or that an earlier topic already claims."""
    reserved = set(needs.STOP_WORDS | needs.START_WORDS)
    for name in (needs.MENU_WORDS, needs.HELP_WORDS):
        message = content.words[name]
        reserved |= {compact(w) for w in split_words(catalog.get(message.context, message.id) or message.id)}
    owners: dict[str, str] = {}
    problems, changed = [], {}
    for topic in content.topics.values():
        message = topic.keywords
        text = catalog.get(message.context, message.id)
        if text is None:
            for word in (topic.name, *topic.aliases) if catalog.locale == SOURCE_LOCALE else ():
                owners.setdefault(compact(word), topic.name)
            continue
        kept = []
        for word in split_words(text):
            key = compact(word)
            if key in reserved:
                problems.append(
                    _problem(
                        catalog,
                        message,
                        f"{catalog.locale}: keyword {word} of {topic.name} is also "
                        "a carrier, menu or help word; it is not served",
                    )
                )
            elif owners.setdefault(key, topic.name) != topic.name:
                problems.append(
                    _problem(
                        catalog,
                        message,
                        f"{catalog.locale}: keyword {word} is claimed by both "
                        f"{owners[key]} and {topic.name}; {topic.name} does not "
                        "get it",
                    )
                )
            else:
                kept.append(word)
        if len(kept) != len(split_words(text)):
            changed[(message.context, message.id)] = ", ".join(kept)
    if changed:
        catalog = catalog.without(k for k, v in changed.items() if not v).overriding(
            {k: v for k, v in changed.items() if v}
        )
    return catalog, problems


def _overlaps(
    content: Content, catalogs: dict[str, Catalog], previous: "Library | None"
) -> tuple[dict[str, Catalog], list[Problem]]:
    """A keyword two languages share must be listed in content/languages.yaml: a new language must not
    silently take over another's word. Until it is, a language that did not have the word before this
    edit does not get it."""
    claims: dict[str, dict[str, Message]] = {}  # word -> locale -> keywords message
    for topic in content.topics.values():
        for word in (topic.name, *topic.aliases):
            claims.setdefault(compact(word), {})[SOURCE_LOCALE] = topic.keywords
        for locale, catalog in catalogs.items():
            for word in split_words(catalog.get(topic.keywords.context, topic.keywords.id) or ""):
                claims.setdefault(compact(word), {})[locale] = topic.keywords
    accepted = content.languages.shared_keywords
    problems = []
    drop: dict[str, dict[Message, set[str]]] = {}
    for key, by_locale in sorted(claims.items()):
        locales = sorted(by_locale)
        new = [(a, b) for n, a in enumerate(locales) for b in locales[n + 1 :] if frozenset((a, b)) not in accepted]
        if not new:
            continue
        before = set(previous.topic_words.get(key, {})) if previous is not None else set()
        for a, b in new:
            # The language taking the word over: the one that did not have it while the last version served.
            taker = a if a not in before and b in before else b
            if taker == SOURCE_LOCALE:
                taker = a
            message = by_locale[taker]
            where = catalogs.get(taker)
            line = where.line(message) if where else message.line
            path = where.path if where else message.path
            taken = before and taker not in before
            problems.append(
                Problem(
                    path,
                    line,
                    f"{taker}: keyword {key.upper()} is shared by {a} and {b}; "
                    "list the pair under shared_keywords in content/languages.yaml if a country "
                    "rule should choose between them, or choose another word"
                    + ("; until then it stays with the language that had it" if taken else ""),
                    taker,
                    message.topic,
                )
            )
            if taken and taker in catalogs:
                drop.setdefault(taker, {}).setdefault(message, set()).add(key)
    for locale, messages in drop.items():
        catalog = catalogs[locale]
        changes = {}
        for message, keys in messages.items():
            kept = [w for w in split_words(catalog.get(message.context, message.id) or "") if compact(w) not in keys]
            changes[(message.context, message.id)] = ", ".join(kept)
        catalogs[locale] = catalog.without(k for k, v in changes.items() if not v).overriding(
            {k: v for k, v in changes.items() if v}
        )
    return catalogs, problems
