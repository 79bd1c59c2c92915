"""Everything a reply needs, per locale and channel, built once from content and catalogs."""

import functools
import re
import unicodedata
from collections import Counter

from babel import Locale
from babel.languages import get_official_languages

from . import menus, needs
from .crisis import CrisisMatcher, Signal
from .lookup import SOURCE_LOCALE, Translations, split_words
from .model import Catalog, Content, Message, Problem
from .normalize import compact
from .pages import TopicPages, topic_messages, topic_pages
from .paging import CHANNELS
from .segments import gsm_friendly


class Library:
    """An immutable snapshot: lookups at request time are dictionary reads.

    Only offered locales are served: a locale is offered once every message in
    ``offer_messages()`` is translated (see ``pending`` for the others).
    """

    def __init__(
        self,
        content: Content,
        catalogs: dict[str, Catalog],
        default_locale: str,
        contact: str = "",
        problems: tuple[Problem, ...] = (),
    ):
        self.content = content
        self.catalogs = catalogs
        self.contact = contact
        self.problems = tuple(problems)
        self.pending = {locale: missing for locale in sorted(catalogs) if (missing := self._missing(locale))}
        self.locales = (SOURCE_LOCALE, *sorted(loc for loc in catalogs if loc not in self.pending))
        self.translations = Translations(catalogs, self.locales, default_locale)
        self.default_locale = self.translations.default_locale
        self.topic_words: dict[str, dict[str, str]] = {}  # word -> {locale: topic}
        self.menu_words: dict[str, set[str]] = {}
        self.help_words: dict[str, set[str]] = {}
        self.language_words: dict[str, str] = {}
        for locale in self.locales:
            self._index_words(locale)
        self.scripts = self._scripts()
        self.pages = {
            (topic, locale, channel): topic_pages(self, topic, locale, channel)
            for topic in content.topics
            for locale in self.locales
            for channel in CHANNELS
        }
        self.crisis_matcher = CrisisMatcher(
            self.crisis_lexicons(),
            content.languages.marks_matter,
            drug_names(self),
            keywords=[*self.topic_words, *self.menu_words, *self.help_words],
        )
        self._crisis_texts = {
            (locale, country, short): menus.crisis_text(self, locale, country, short)
            for locale in self.locales
            for country in ("default", *content.crisis_lines)
            for short in (False, True)
        }
        self._cache: dict[tuple, TopicPages] = {}

    # -- translation lookups -------------------------------------------------

    def text(self, locale: str, message: Message) -> str | None:
        return self.translations.text(locale, message)

    def words(self, locale: str, message: Message) -> list[str]:
        return self.translations.words(locale, message)

    def chain(self, locale: str) -> list[str]:
        return self.translations.chain(locale)

    def status(self, topic: str, locale: str) -> str:
        """complete, stale or missing: how far ``locale`` has translated ``topic``."""
        return self.translations.status(locale, topic_messages(self, topic))

    # -- what replies read ---------------------------------------------------

    def topic_pages(self, topic: str, locale: str, channel: str) -> TopicPages:
        return self.pages[(topic, locale, channel)]

    def message(self, name: str, locale: str, **fields) -> str:
        """A message from messages.yaml (a name in ``needs``) in ``locale`` or its fallback, filled in."""
        message = self.content.messages[name]
        found = self.text(self.translations.resolve(locale, [message]), message) or message.id
        return gsm_friendly(found.format(**fields))

    def crisis(self, locale: str, country: str | None, short: bool = False) -> str:
        """Crisis resources for ``country`` in ``locale``, the line first."""
        return self._crisis_texts[(locale, self._crisis_key(country), short)]

    def crisis_signal(self, text: str) -> Signal | None:
        """Crisis language in ``text`` (as sent), confident or soft, with the rule that found it; or None."""
        return self.crisis_matcher.detect(text)

    def crisis_lexicons(self) -> dict[str, dict[str, list[str]]]:
        """Each language's crisis lists: translated ones for every catalog (offered yet or not), and those of
        languages with no catalog. A list changed in English keeps its old translation until reviewed, and the
        new English forms match meanwhile."""
        lexicons: dict[str, dict[str, list[str]]] = {}
        for locale in (SOURCE_LOCALE, *sorted(self.catalogs)):
            catalog = self.catalogs.get(locale)
            lists = {}
            for name, message in self.content.crisis_lists.items():
                if catalog is None:
                    lists[name] = split_words(message.id)
                elif (text := catalog.latest(message)) is not None:
                    lists[name] = split_words(text)  # new English forms match meanwhile, as English
            lexicons[locale] = lists
        for code, lists in self.content.more_crisis_lists.items():
            lexicons.setdefault(code, {}).update(lists)
        return lexicons

    def menu_pages(self, locale: str, channel: str, country: str | None) -> TopicPages:
        """The menu, led by the crisis line for ``country``, in pages (built when first asked for)."""
        return self._cached(
            ("menu", locale, channel, self._crisis_key(country)), lambda: menus.menu(self, locale, channel, country)
        )

    def help_pages(self, locale: str, channel: str, country: str | None) -> TopicPages:
        """HELP: program, how to stop, rates, the clinic contact and the crisis line."""
        return self._cached(
            ("help", locale, channel, self._crisis_key(country)),
            lambda: menus.help_reply(self, locale, channel, country),
        )

    def country_languages(self, country: str | None) -> tuple[str, ...]:
        """Languages of ``country``: content/countries.yaml first, else CLDR."""
        if not country:
            return ()
        return self.content.countries.get(country) or official_languages(country, self._aliases)

    def script_locales(self, text: str) -> set[str]:
        """The served locales written in the script of ``text`` (Hangul -> ko), if any but Latin."""
        for char in text:
            if char.isalpha() and char > "\u024f":
                found = self.scripts.get(script_of(char))
                if found:
                    return found
        return set()

    # -- building ------------------------------------------------------------

    @property
    def _aliases(self) -> tuple[tuple[str, str], ...]:
        return tuple(sorted(self.content.languages.cldr_aliases.items()))

    def _cached(self, key: tuple, build) -> TopicPages:
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    def _crisis_key(self, country: str | None) -> str:
        return country if country in self.content.crisis_lines else "default"

    def _missing(self, locale: str) -> list[str]:
        """What ``locale`` still lacks before it can be offered to people."""
        catalog = self.catalogs[locale]
        stale_ok = {(m.context, m.id) for m in self.content.crisis_lists.values()}  # old forms keep matching
        return [
            m.context
            for m in offer_messages(self.content)
            if catalog.get(m.context, m.id) is None and not ((m.context, m.id) in stale_ok and catalog.latest(m))
        ]

    def _index_words(self, locale: str) -> None:
        content = self.content
        for name, topic in content.topics.items():
            words = self.words(locale, topic.keywords)
            if locale == SOURCE_LOCALE:
                words += topic.aliases
            for word in words:
                self.topic_words.setdefault(compact(word), {})[locale] = name
        for word in self.words(locale, content.words[needs.MENU_WORDS]):
            self.menu_words.setdefault(compact(word), set()).add(locale)
        for word in self.words(locale, content.words[needs.HELP_WORDS]):
            self.help_words.setdefault(compact(word), set()).add(locale)
        for word in [*self.words(locale, content.words[needs.LANGUAGE_WORDS]), *_english_name(locale), locale]:
            self.language_words.setdefault(compact(word), locale)

    def _scripts(self) -> dict[str, set[str]]:
        """Each script but Latin -> the served locales whose catalogs are mostly written in it."""
        found: dict[str, set[str]] = {}
        for locale in self.locales:
            catalog = self.catalogs.get(locale)
            if catalog is None:
                continue
            letters = Counter(script_of(c) for text in catalog.entries.values() for c in text if c.isalpha())
            if letters:
                script = letters.most_common(1)[0][0]
                if script != "LATIN":
                    found.setdefault(script, set()).add(locale)
        return found


def offer_messages(content: Content) -> list[Message]:
    """What a locale must have translated before it is offered: menu, HELP, STOP/START and every crisis text."""
    return [
        *(content.messages[name] for name in needs.OFFERED_MESSAGES),
        *(content.words[name] for name in needs.OFFERED_WORDS),
        *content.crisis_messages.values(),
        *content.crisis_lists.values(),
    ]


_NAMED = re.compile(r"([^\W\d_][\w-]+) ?[(（]([^)）]*)[)）]")


def drug_names(library: "Library") -> set[str]:
    """Medicines the MEDS topic names, in every language: "amitriptyline (Elavil, Vanatrip)"."""
    names = set()
    meds = library.content.topics.get("MEDS")
    for message in meds.paragraphs if meds else ():
        for locale in library.locales:
            for match in _NAMED.finditer(library.text(locale, message) or ""):
                inside = [w.strip() for w in re.split(r"[,;，、；]", match.group(2))]
                names |= {
                    w
                    for w in (match.group(1), *inside)
                    if " " not in w and len(w) >= (5 if w.isascii() else 2 if "\u2e80" <= w[0] <= "\u9fff" else 4)
                }
    return names


@functools.lru_cache(maxsize=4096)
def script_of(char: str) -> str:
    """The Unicode script a letter belongs to, as the first word of its name: LATIN, CYRILLIC, HANGUL, CJK..."""
    return unicodedata.name(char, "UNKNOWN").split(" ", 1)[0]


@functools.lru_cache(maxsize=512)
def official_languages(country: str, aliases: tuple[tuple[str, str], ...] = ()) -> tuple[str, ...]:
    """Languages of ``country``, official and de facto, most spoken first (CLDR), with our codes for them."""
    rename = dict(aliases)
    return tuple(rename.get(language, language) for language in get_official_languages(country.upper(), de_facto=True))


def _english_name(locale: str) -> list[str]:
    """The language's English name ("Spanish"), from CLDR.

    The language's own name comes from its translators ("words language"), so
    only English's CLDR data is loaded: each further locale costs a worker 1 MB.
    """
    name = Locale("en").languages.get(locale.split("_")[0])
    return [name] if name else []


__all__ = ["Library", "TopicPages", "offer_messages", "official_languages", "script_of", "split_words"]
