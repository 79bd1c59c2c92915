"""Everything a reply needs, per locale and channel, built once from content and catalogs."""

import functools
import logging
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

from babel import Locale
from babel.languages import get_official_languages

from .catalogs import Catalog, catalog_paths, load_catalog
from .crisis import CrisisMatcher
from .content import Content, ContentError, Message, Problem, load_content
from .normalize import compact, normalize
from .paging import CHANNELS, Budget, paginate
from .segments import gsm_friendly

SOURCE_LOCALE = "en"
log = logging.getLogger(__name__)


def split_words(text: str) -> list[str]:
    return [word.strip() for word in text.split(",") if word.strip()]


@dataclass(frozen=True)
class TopicPages:
    locale: str  # the locale the pages are really in, after fallback
    keyword: str
    pages: tuple[str, ...]
    past_end: str | None = None  # the reply to a page after the last; None: send the last page


class Library:
    """An immutable snapshot: lookups at request time are dictionary reads."""

    def __init__(self, content: Content, catalogs: dict[str, Catalog], default_locale: str, contact: str = ""):
        self.content = content
        self.catalogs = catalogs
        self.locales = (SOURCE_LOCALE, *sorted(loc for loc in catalogs if loc != SOURCE_LOCALE))
        self.default_locale = default_locale if default_locale in self.locales else SOURCE_LOCALE
        self.contact = contact
        self.topic_words: dict[str, dict[str, str]] = {}  # word -> {locale: topic}
        self.menu_words: dict[str, set[str]] = {}
        self.help_words: dict[str, set[str]] = {}
        self.language_words: dict[str, str] = {}
        self.crisis_phrases: dict[str, set[str]] = {}  # normalized phrase -> locales
        for locale in self.locales:
            self._index_words(locale)
        self.pages = {
            (topic, locale, channel): self._paginate(topic, locale, channel)
            for topic in content.topics for locale in self.locales for channel in CHANNELS
        }
        self._crisis = CrisisMatcher(self.crisis_phrases, keywords=[*self.topic_words, *self.menu_words, *self.help_words])
        self._crisis_texts = {
            (locale, country, short): self._build_crisis(locale, country, short)
            for locale in self.locales for country in ("default", *content.crisis_lines) for short in (False, True)
        }
        self._scripts = tuple(script for script in _SCRIPTS if script[2] in self.locales)
        self._pages_cache: dict[tuple, TopicPages] = {}
        for locale in self.locales:  # fail now, not at request time, on a broken menu
            self.menu_pages(locale, CHANNELS[0], None)
            self.help_pages(locale, CHANNELS[0], None)

    # -- translation lookups -------------------------------------------------

    def text(self, locale: str, message: Message) -> str | None:
        """The finished translation of ``message``, or None."""
        if locale == SOURCE_LOCALE:
            return message.id
        return self.catalogs[locale].get(message.context, message.id)

    def chain(self, locale: str) -> list[str]:
        """``es_MX`` -> ``es`` -> default -> English, keeping only shipped locales."""
        steps = [locale, locale.split("_")[0], self.default_locale, SOURCE_LOCALE]
        return [step for n, step in enumerate(steps) if step in self.locales and step not in steps[:n]]

    def resolve(self, locale: str, messages: list[Message]) -> str:
        """The first locale in the chain that has every one of ``messages``."""
        for step in self.chain(locale):
            if all(self.text(step, m) is not None for m in messages):
                return step
        return SOURCE_LOCALE

    def status(self, topic: str, locale: str) -> str:
        """complete, stale (some entries missing while others exist) or missing."""
        messages = self._topic_messages(topic)
        found = [self.text(locale, m) is not None for m in messages]
        if all(found):
            return "complete"
        return "stale" if any(found) else "missing"

    def words(self, locale: str, message: Message) -> list[str]:
        return split_words(self.text(locale, message) or "")

    # -- what replies read ---------------------------------------------------

    def topic_pages(self, topic: str, locale: str, channel: str) -> TopicPages:
        return self.pages[(topic, locale, channel)]

    def message(self, name: str, locale: str, **fields) -> str:
        """A message from messages.yaml in ``locale`` or its fallback, filled in."""
        message = self.content.messages[name]
        found = self.text(self.resolve(locale, [message]), message)
        return gsm_friendly(found.format(**fields))

    def crisis(self, locale: str, country: str | None, short: bool = False) -> str:
        """Crisis resources for ``country`` in ``locale``, the line first."""
        return self._crisis_texts[(locale, self._crisis_key(country), short)]

    def crisis_locales(self, text: str) -> set[str]:
        """The locales of the first crisis phrase in normalized ``text``, misspelled or not; empty if none."""
        return self._crisis.locales(text)

    def country_languages(self, country: str | None) -> tuple[str, ...]:
        """Languages of ``country``: content/countries.yaml first, else CLDR."""
        if not country:
            return ()
        return self.content.countries.get(country) or official_languages(country)

    def script_locale(self, text: str) -> str | None:
        """A shipped locale implied by the script of ``text`` (Hangul -> ko), if any."""
        for char in text:
            for low, high, locale in self._scripts:
                if low <= char <= high:
                    return locale
        return None

    # -- building ------------------------------------------------------------

    def _topic_messages(self, topic: str) -> list[Message]:
        spec = self.content.topics[topic]
        return [*spec.paragraphs, spec.keywords, self.content.messages["more"], self.content.messages["past_end"]]

    def _index_words(self, locale: str) -> None:
        content = self.content
        for name, topic in content.topics.items():
            words = self.words(locale, topic.keywords)
            if locale == SOURCE_LOCALE:
                words += topic.aliases
            for word in words:
                self.topic_words.setdefault(compact(word), {})[locale] = name
        for word in self.words(locale, content.words["menu"]):
            self.menu_words.setdefault(compact(word), set()).add(locale)
        for word in self.words(locale, content.words["help"]):
            self.help_words.setdefault(compact(word), set()).add(locale)
        for word in [*self.words(locale, content.words["language"]), *_english_name(locale), locale]:
            self.language_words.setdefault(compact(word), locale)
        for phrase in self.words(locale, content.crisis_phrases):
            self.crisis_phrases.setdefault(normalize(phrase), set()).add(locale)

    def _paginate(self, topic: str, locale: str, channel: str) -> TopicPages:
        spec = self.content.topics[topic]
        effective = self.resolve(locale, self._topic_messages(topic))
        pages = self._pages(effective, spec.keywords, [self.text(effective, m) for m in spec.paragraphs], channel)
        past_end = self.text(effective, self.content.messages["past_end"])
        return replace(pages, past_end=gsm_friendly(past_end.format(keyword=pages.keyword, count=len(pages.pages))))

    def _build_crisis(self, locale: str, country: str, short: bool) -> str:
        needed = self._crisis_messages(country, short)
        effective = self.resolve(locale, needed)
        line = self.content.crisis_lines.get(country)
        fields = {"number": line.number, "emergency": line.emergency} if line else {}
        return gsm_friendly(" ".join(self.text(effective, m).format(**fields) for m in needed))

    def _cached(self, key: tuple, build) -> TopicPages:
        """Menus and HELP differ by crisis line; each is built when first asked for."""
        if key not in self._pages_cache:
            self._pages_cache[key] = build()
        return self._pages_cache[key]

    def menu_pages(self, locale: str, channel: str, country: str | None) -> TopicPages:
        """The menu, led by the crisis line for ``country``, in pages."""
        return self._cached(("menu", locale, channel, self._crisis_key(country)),
                            lambda: self._menu(locale, channel, country))

    def help_pages(self, locale: str, channel: str, country: str | None) -> TopicPages:
        """HELP: program, how to stop, rates, the clinic contact and the crisis line."""
        return self._cached(("help", locale, channel, self._crisis_key(country)),
                            lambda: self._help(locale, channel, country))

    def _menu(self, locale: str, channel: str, country: str | None) -> TopicPages:
        content = self.content
        needed = [content.messages["menu"], content.messages["menu_topic"], content.words["menu"]]
        needed += [m for t in content.topics.values() for m in (t.keywords, t.title)]
        effective = self.resolve(locale, needed + self._crisis_messages(country, short=True))
        line = self.text(effective, content.messages["menu_topic"])
        topics = "\n".join(
            line.format(keyword=self.words(effective, t.keywords)[0], title=self.text(effective, t.title))
            for t in content.topics.values()
        )
        languages = " ".join(loc.upper() for loc in self.locales if loc != effective)
        menu = self.text(effective, content.messages["menu"]).format(topics=topics, languages=languages)
        paragraphs = [self.crisis(effective, country, short=True), *menu.split("\n")]
        return self._pages(effective, content.words["menu"], paragraphs, channel)

    def _help(self, locale: str, channel: str, country: str | None) -> TopicPages:
        messages = self.content.messages
        needed = [messages["help"], self.content.words["help"]] + self._crisis_messages(country, short=True)
        if self.contact:
            needed.append(messages["contact"])
        effective = self.resolve(locale, needed)
        paragraphs = [self.text(effective, messages["help"])]
        if self.contact:
            paragraphs.append(self.text(effective, messages["contact"]).format(contact=self.contact))
        paragraphs.append(self.crisis(effective, country, short=True))
        return self._pages(effective, self.content.words["help"], paragraphs, channel)

    def hint_keyword(self, locale: str, words: Message) -> str:
        """The word a page hint tells people to text, with the language code when
        the word alone would lead to another language (MENÚ is also MENU)."""
        keyword = self.words(locale, words)[0]
        others = (self.topic_words.get(compact(keyword), {}).keys() | self.menu_words.get(compact(keyword), set())
                  | self.help_words.get(compact(keyword), set())) - {locale}
        return f"{keyword} {locale.upper()}" if others and locale != self.default_locale else keyword

    def _pages(self, locale: str, words: Message, paragraphs: list[str], channel: str) -> TopicPages:
        keyword = self.hint_keyword(locale, words)
        hint = self.text(locale, self.content.messages["more"])
        pages = paginate(paragraphs, Budget(channel), lambda page: hint.format(keyword=keyword, page=page))
        return TopicPages(locale, keyword, pages)

    def _crisis_key(self, country: str | None) -> str:
        return country if country in self.content.crisis_lines else "default"

    def _crisis_messages(self, country: str | None, short: bool = False) -> list[Message]:
        messages = self.content.crisis_messages
        line = self.content.crisis_lines.get(country or "")
        if short:
            return [messages[f"short_{line.how}" if line else "short_default"]]
        if line is None:
            return [messages["default"]]
        return [messages[line.how], messages["emergency"], *([messages[line.extra]] if line.extra else [])]


# Scripts that point to one of our languages when a text is not understood.
_SCRIPTS = (
    ("\uac00", "\ud7af", "ko"), ("\u1100", "\u11ff", "ko"),
    ("\u4e00", "\u9fff", "zh"), ("\u3400", "\u4dbf", "zh"),
    ("\u0600", "\u06ff", "ar"), ("\u0400", "\u04ff", "ru"),
)
# CLDR names Tagalog "fil"; our catalog is "tl".
_LANGUAGE_ALIASES = {"fil": "tl"}


@functools.lru_cache(maxsize=512)
def official_languages(country: str) -> tuple[str, ...]:
    """Languages of ``country``, official and de facto, most spoken first (CLDR)."""
    languages = get_official_languages(country.upper(), de_facto=True)
    return tuple(_LANGUAGE_ALIASES.get(language, language) for language in languages)


def _english_name(locale: str) -> list[str]:
    """The language's English name ("Spanish"), from CLDR.

    The language's own name comes from its translators ("words language"), so
    only English's CLDR data is loaded: each further locale costs a worker 1 MB.
    """
    name = Locale("en").languages.get(locale.split("_")[0])
    return [name] if name else []


def build_library(content_dir: Path, translations_dir: Path, default_locale: str, contact: str = "") -> Library:
    """Load content and every catalog; raise ContentError naming each problem."""
    content = load_content(content_dir)
    catalogs, problems = {}, []
    for locale, po_path in catalog_paths(translations_dir).items():
        try:
            catalogs[locale] = load_catalog(locale, po_path)
        except Exception as error:  # a broken catalog must name itself, whatever broke
            problems.append(Problem(str(po_path), getattr(error, "lineno", 1) or 1, f"cannot load catalog: {error}"))
    if problems:
        raise ContentError(problems)
    try:
        return Library(content, catalogs, default_locale, contact)
    except (KeyError, ValueError, IndexError) as error:
        # A translation whose {placeholders} differ from the English.
        where = str(translations_dir)
        raise ContentError([Problem(where, 1, f"a translation has a broken {{placeholder}}: {error!r}")]) from None


class LiveLibrary:
    """The current Library, rebuilt when content or catalogs change on disk.

    Each process checks file times at most once per ``interval`` seconds; a
    broken edit is logged with its file and line and the last good Library
    keeps serving.
    """

    def __init__(self, content_dir: Path, translations_dir: Path, default_locale: str,
                 contact: str = "", interval: float = 1.0):
        self._args = (content_dir, translations_dir, default_locale, contact)
        self._interval = interval
        self._lock = threading.Lock()
        self._checked = time.monotonic()
        self._stamp = self._fingerprint()
        self._library = build_library(*self._args)
        self.reload_errors = 0

    def current(self) -> Library:
        if time.monotonic() - self._checked >= self._interval and self._lock.acquire(blocking=False):
            try:
                self._refresh()
            finally:
                self._lock.release()
        return self._library

    def _refresh(self) -> None:
        self._checked = time.monotonic()
        stamp = self._fingerprint()
        if stamp == self._stamp:
            return
        self._stamp = stamp
        try:
            self._library = build_library(*self._args)
            log.info("content reloaded")
        except ContentError as error:
            self.reload_errors += 1
            log.error("content edit not applied, still serving the last good version:\n%s", error)

    def _fingerprint(self) -> tuple:
        content_dir, translations_dir = self._args[:2]
        return file_stamps([*content_dir.glob("*.yaml"), *translations_dir.glob("*/LC_MESSAGES/*.po")])


def file_stamps(paths) -> tuple:
    """(path, mtime, size) of each file that exists: changes whenever one of them does."""
    stamps = []
    for path in sorted(paths):
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(stamps)
