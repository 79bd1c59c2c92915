"""Everything a reply needs, per locale and channel, built once from content and catalogs."""

import functools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, KeysView
from dataclasses import replace
from typing import Any, TypeVar

from babel import Locale
from babel.languages import get_official_languages

from . import language, menus, needs
from .crisis import SOFT, CrisisMatcher, Signal, marked, one_edit, russian_latin
from .lookup import SOURCE_LOCALE, Translations, split_words
from .model import Catalog, Content, Message, Problem
from .normalize import compact, normalize
from .pages import TopicPages, answer_pages, topic_messages, topic_pages
from .paging import CHANNELS, SMS
from .questions import (
    IN_GENERAL,
    NOTHING_ASKED,
    OUTSIDE,
    Beyond,
    Document,
    Found,
    QuestionIndex,
    common_forms,
    terms,
    words,
)
from .segments import gsm_fold, gsm_friendly

T = TypeVar("T")


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
        self._commands: set[str] = set()  # those words as the catalogs write them
        for locale in self.locales:
            self._index_words(locale)
        self._cldr_aliases = tuple(sorted(content.languages.cldr_aliases.items()))  # hashable, for the CLDR cache
        self.scripts = self._scripts()
        self._word_counts: dict[str, Counter[str]] = {}
        self.not_latin = frozenset().union(*self.scripts.values())  # locales written in a script of their own
        latin = [loc for loc in self.locales if loc not in self.not_latin]
        self.language_model = language.LanguageModel.shared({loc: self._texts(loc) for loc in latin})
        self._own_letters = self._letters_of_one(latin)
        # Words of our catalogs that name one of their locales: keywords, menu, help and language words.
        self._word_locales: dict[str, set[str]] = {}
        for word, owners in self.topic_words.items():
            self._word_locales.setdefault(word, set()).update(owners)
        for index in (self.menu_words, self.help_words):
            for word, owner_set in index.items():
                self._word_locales.setdefault(word, set()).update(owner_set)
        for locale in self.locales:  # "hola", "xin chào", "kumusta po": which language a greeting is in
            for word in self.words(locale, content.words[needs.GREETINGS]):
                for part in normalize(word).split():
                    self._word_locales.setdefault(part, set()).add(locale)
        for word, named in self._word_locales.items():  # "TMS": an English alias, and Spanish text writes it too
            named.update(loc for loc in self.locales if word in self.vocabulary(loc))
        # Every catalog's words, normalized (near_keyword), built before any worker forks, to be shared.
        self._ordinary = frozenset(word for locale in self.locales for word in self.vocabulary(locale))
        self._spelled = self._latin_spellings(latin)
        self._keyword_typos = _deletion_index(w for w in self.topic_words if len(w) >= KEYWORD_TYPO_MIN and w.isalpha())
        self._longest_keyword = max(map(len, self._keyword_typos), default=0)
        reserved = {*needs.STOP_WORDS, *needs.START_WORDS, *self.menu_words, *self.help_words}
        self._reserved_typos = _deletion_index(reserved)
        self.pages = {
            (topic, locale, channel): topic_pages(self, topic, locale, channel)
            for topic in content.topics
            for locale in self.locales
            for channel in CHANNELS
        }
        self.crisis_matcher = CrisisMatcher.shared(*self.crisis_matcher_inputs())
        self._no_crisis = self._quiet_commands()
        self._crisis_texts = {
            (locale, country, short): menus.crisis_text(self, locale, country, short)
            for locale in self.locales
            for country in ("default", *content.crisis_lines)
            for short in (False, True)
        }
        models = content.topic_models or {}
        self.question_indexes = {
            locale: QuestionIndex(self._question_documents(locale), models.get(locale)) for locale in self.locales
        }
        # Left out of a question before it is looked up: small words and greetings ("hi, what is ECT"). With
        # chatter besides, what a message that asks nothing is made of ("ok thanks, that helped"): the menu.
        small = (content.words[needs.COMMON], content.words[needs.GREETINGS])
        self.common_words = {locale: self._forms(locale, small) for locale in self.locales}
        idle = (*small, content.words[needs.CHATTER])
        self.idle_words = {locale: self._forms(locale, idle) for locale in self.locales}
        # Each topic's first keyword and its title, read as a question's words are: a question that names one and
        # nothing else ("hola, información sobre medicamentos") gets the topic from its start, as the keyword does,
        # not whichever paragraph says the word most.
        self._topic_names = {
            locale: [
                (name, topic)
                for topic, spec in content.topics.items()
                for written in (*self.words(locale, spec.keywords)[:1], self.text(locale, spec.title) or spec.title.id)
                if (name := words(written, locale in content.languages.syllables, self.idle_words[locale]))
            ]
            for locale in self.locales
        }

        # Subjects our article never mentions; other conditions and the medicines of ours known for them. A
        # language written in another script names them in English too ("spravato 치료 효과 있나요?", "ketamine
        # 治疗有效吗", "insurance로 cover 되는지"): the source words count there.
        def subjects(name: str) -> dict[str, Beyond]:
            listed = content.words[name]
            source = self.words(SOURCE_LOCALE, listed)
            return {
                loc: Beyond(self.words(loc, listed) + (source if loc in self.not_latin else [])) for loc in self.locales
            }

        self.beyond = subjects(needs.BEYOND)
        self.conditions = subjects(needs.CONDITIONS)
        self.their_medicines = subjects(needs.THEIR_MEDICINES)
        self._cache: dict[tuple, Any] = {}
        self.keyword_replies: dict[tuple, Any] = {}  # (text, channel, country, opted out) -> Reply: replies.answer

    # -- translation lookups -------------------------------------------------

    def text(self, locale: str, message: Message) -> str | None:
        return self.translations.text(locale, message)

    def words(self, locale: str, message: Message) -> list[str]:
        return self.translations.words(locale, message)

    def _forms(self, locale: str, lists) -> frozenset[str]:
        """The words of ``lists`` in ``locale``, in the forms ``words`` compares small words in."""
        entries = [word for message in lists for word in self.words(locale, message)]
        return common_forms(entries, locale in self.content.languages.syllables)

    def chain(self, locale: str) -> list[str]:
        return self.translations.chain(locale)

    def status(self, topic: str, locale: str) -> str:
        """complete, stale or missing: how far ``locale`` has translated ``topic``."""
        return self.translations.status(locale, topic_messages(self, topic))

    # -- what replies read ---------------------------------------------------

    def topic_pages(self, topic: str, locale: str, channel: str) -> TopicPages:
        return self.pages[(topic, locale, channel)]

    def for_channel(self, locale: str, channel: str, text: str) -> str:
        """``text`` as sent: on SMS, in a language that allows it, folded to GSM-7 (a third of the price)."""
        if channel == SMS and locale in self.content.languages.sms_fold:
            return gsm_fold(text)
        return unicodedata.normalize("NFC", text)

    def without_folding(self) -> "Library":
        """The same library with no language folding accents on SMS: what folding saves, for reports."""
        languages = replace(self.content.languages, sms_fold=frozenset())
        return Library(replace(self.content, languages=languages), self.catalogs, self.default_locale, self.contact)

    def message(self, name: str, locale: str, **fields) -> str:
        """A message from messages.yaml (a name in ``needs``) in ``locale`` or its fallback, filled in."""
        message = self.content.messages[name]
        found = self.text(self.translations.resolve(locale, [message]), message) or message.id
        return gsm_friendly(found.format(**fields))

    def crisis(self, locale: str, country: str | None, short: bool = False) -> str:
        """Crisis resources for ``country`` in ``locale``, the line first."""
        return self._crisis_texts[(locale, self._crisis_key(country), short)]

    def crisis_signal(self, text: str) -> Signal | None:
        """Crisis language in ``text`` (as sent), confident or soft, with the rule that found it; or None.
        What the rules miss, the backstop may still flag, always as the weaker tier."""
        if len(text) <= COMMAND_LENGTH and marked(text) in self._no_crisis:
            return None  # one of our own words, found free of crisis language when the library loaded
        return self._crisis_signal(text)

    def _crisis_signal(self, text: str) -> Signal | None:
        signal = self.crisis_matcher.detect(text)
        backstop = self.content.backstop
        if signal is None and backstop is not None and (p := backstop.flags(text)) is not None:
            return Signal(SOFT, f"backstop: {p:.2f} >= {backstop.threshold:.2f}", frozenset())
        return signal

    def _quiet_commands(self) -> frozenset[str]:
        """Our keyword, menu, help and language words, alone or followed by a page number or a language code
        (what most messages are), case-folded as the crisis check reads them (``marked``), that it finds free
        of crisis language: checked once here instead of at every message. The check reads nothing of a
        message but that form, so skipping it for these gives exactly the verdict it would have given."""
        tails = ("", *(f" {n}" for n in range(1, 10)), *(f" {code}" for code in self.locales))
        forms = {marked(word + tail) for word in self._commands for tail in tails}
        return frozenset(
            form
            for form in forms
            if len(form) <= COMMAND_LENGTH and marked(form) == form and self._crisis_signal(form) is None
        )

    def crisis_matcher_inputs(self) -> tuple:
        """What the crisis matcher is built from, in the order ``CrisisMatcher`` takes it: each language's lists,
        the languages whose marks matter, the medicines our content names, our own words (never read as a typo of
        a crisis word), and the languages also written with digits for letters."""
        return (
            self.crisis_lexicons(),
            self.content.languages.marks_matter,
            drug_names(self),
            [*self.topic_words, *self.menu_words, *self.help_words],
            self.content.languages.digits_for_letters,
        )

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
        return self._cached(("menu", locale, channel, country), lambda: menus.menu(self, locale, channel, country))

    def not_understood_pages(self, locale: str, channel: str, country: str | None) -> TopicPages:
        """The menu opened by a line saying what this line can answer: for texts it did not understand."""
        return self._cached(
            ("not understood", locale, channel, country),
            lambda: menus.not_understood(self, self.menu_pages(locale, channel, country), channel),
        )

    def help_pages(self, locale: str, channel: str, country: str | None) -> TopicPages:
        """HELP: program, how to stop, rates, the clinic contact and the crisis line."""
        return self._cached(
            ("help", locale, channel, self._crisis_key(country)),
            lambda: menus.help_reply(self, locale, channel, country),
        )

    def find_answer(self, text: str, locale: str, normalized: str | None = None) -> Found:
        """The topic and paragraphs of ``locale`` that answer ``text`` (``normalized``: its normalized form,
        when the caller has it), or why none does."""
        syllables = locale in self.content.languages.syllables
        groups = words(text, syllables, self.common_words[locale], normalized)
        own = words(text, syllables, self.idle_words[locale], normalized) if groups else []
        if not own:  # the second reading only for a message with words of its own
            return NOTHING_ASKED
        index = self.question_indexes[locale]
        if index.in_general(own):
            return IN_GENERAL
        if named := self.beyond[locale].find(text, normalized):
            return Found(None, (), 0.0, 0.0, 0.0, f"names '{named}', which our article never mentions")
        if named := self.conditions[locale].find(text, normalized):
            if not self.their_medicines[locale].find(text, normalized):  # "is it different if I'm bipolar too?"
                return Found(None, (), 0.0, 0.0, 0.0, f"names '{named}', and none of the medicines it names for it")
            # "why lithium if I'm not bipolar?": the medicine decides, the condition is left out
            normalized = self.conditions[locale].without(text, normalized, keep=self.their_medicines[locale])
            groups = words(text, syllables, self.common_words[locale], normalized)
            own = words(text, syllables, self.idle_words[locale], normalized)
        for name, topic in self._topic_names[locale]:  # the same words, not only their stems ("médicos" is not MEDS)
            if len(name) == len(own) and all(a == b or set(a[1:]) & set(b[1:]) for a, b in zip(name, own, strict=True)):
                return Found(topic, (), 0.0, 1.0, 1.0, f"names {topic} and nothing else")
        return index.find(groups)

    def answer_pages(self, found: Found, locale: str, channel: str) -> tuple[TopicPages, int]:
        """The reply to a question: its best paragraph or two and where to read more, on one page;
        or, where that paragraph is longer than a page, the topic page that holds it. With the page number."""
        assert found.topic is not None
        topic = found.topic
        return self._cached(
            ("answer", topic, found.paragraphs, locale, channel),
            lambda: answer_pages(self, topic, found.paragraphs, locale, channel),
        )

    def near_keyword(self, words: list[str]) -> dict[str, str] | None:
        """Topic keywords a single typo away from ``words`` run together (a letter missing, extra, changed or two
        swapped), as {locale: topic} when they all name one topic per locale; else None. Nothing near a carrier,
        menu, help or language word is read as a keyword ("STPO" is not a topic), nor are words every one of
        which some catalog writes ("c'est qui" is not C'EST QUOI)."""
        key = "".join(words)
        if not KEYWORD_TYPO_MIN - 1 <= len(key) <= self._longest_keyword + 1 or not key.isalpha():
            return None
        if all(word in self._ordinary for word in words):
            return None
        if key in self.language_words:
            return None
        if self._near(self._reserved_typos, key):
            return None
        owners: dict[str, str] = {}
        for word in self._near(self._keyword_typos, key):
            for locale, topic in self.topic_words[word].items():
                if owners.setdefault(locale, topic) != topic:
                    return None
        return owners or None

    @staticmethod
    def _near(index: dict[str, set[str]], key: str) -> set[str]:
        found = set(index.get(key, ()))
        for n in range(len(key)):
            found |= index.get(key[:n] + key[n + 1 :], set())
        return {word for word in found if _one_typo(key, word) or word == key}

    def vocabulary(self, locale: str) -> KeysView[str]:
        """The words of ``locale``'s catalog (its English for English), normalized: what is an ordinary word there."""
        return self.word_counts(locale).keys()

    def word_counts(self, locale: str) -> Counter[str]:
        """How often ``locale``'s catalog writes each of its words, normalized (counted once per locale)."""
        found = self._word_counts.get(locale)
        if found is None:
            texts = self._texts(locale)
            found = self._word_counts[locale] = Counter(w for text in texts for w in normalize(text).split())
        return found

    def identify(self, text: str, country: str | None, sent: str = "") -> tuple[str, str]:
        """The served locale ``text`` (normalized) is written in, and how it was told: its script, or letters only
        one catalog writes in the message as ``sent`` (normalizing folds them), or Arabic in Latin letters there
        (normalizing splits "ya3ni"); else our catalogs' own words in it; else its letters; the country breaks
        ties and decides for short or unclear texts."""
        scripts = self.script_locales(text)
        if scripts:
            return self.pick(scripts, country), language.SCRIPT
        if not sent.isascii():  # letters only one catalog writes (ạ, ư): none in a message of ASCII
            own = {self._own_letters[c] for c in marked(sent) if c in self._own_letters}
            if len(own) == 1:
                return own.pop(), language.OWN_LETTERS
        # Two words of Arabic in Latin letters, or one from a country whose first language is written in Arabic
        # script ("mys3lf" from anywhere else is English with a digit for a letter).
        arabizi = language.arabizi_words(sent)
        in_arabic = self.scripts.get(language.ARABIC_SCRIPT, set())
        if arabizi and in_arabic and (arabizi >= 2 or in_arabic.intersection(self.country_languages(country)[:1])):
            return self.pick(in_arabic, country), language.ARABIC_IN_LATIN
        words = normalize(text).split()
        if (spelled := self._spelled_locale(words, country)) is not None:
            return spelled, language.CYRILLIC_IN_LATIN
        votes: dict[str, int] = {}
        for word in words:
            for locale in self._word_locales.get(word, ()):
                votes[locale] = votes.get(locale, 0) + 1
        scores, size = self.language_model.scores(text)
        if not scores:
            return self._country_or_default(country, set(self.locales)), language.NO_LETTERS
        ranked = sorted(scores, key=scores.__getitem__)
        letters = sum(c.isalpha() for c in text)
        margin = (language.SURE if letters >= language.SHORT else language.SHORT_MARGIN) * size
        close = {loc for loc in ranked if scores[loc] - scores[ranked[0]] < margin}
        # A language written in another script is told by its words in Latin letters ("annyeonghaseyo") only when
        # they are half the message: "me dijeron q tengo trd" is Spanish, whichever catalogs also write "TRD".
        voted = {loc for loc in votes if loc in close or (loc not in scores and 2 * votes[loc] >= len(words))}
        if voted:  # our words decide between languages whose letters are close
            most = max(votes[loc] for loc in voted)
            chosen = {loc for loc in voted if votes[loc] == most}
            best = min(chosen, key=lambda loc: (scores.get(loc, math.inf), loc))
            if len(chosen) > 1 and letters < language.SHORT:  # "hi" is English, Tagalog and Vietnamese alike:
                # too few letters to tell them apart, so the country decides, else the default language
                fallback = self.default_locale if self.default_locale in chosen else best
                return self._country_or_default(country, chosen, fallback), language.OUR_WORDS_AND_COUNTRY
            return best, language.OUR_WORDS
        if letters >= language.SHORT and len(close) == 1:
            return ranked[0], language.LETTERS
        return self._country_or_default(country, close, ranked[0]), language.LETTERS_AND_COUNTRY

    def _letters_of_one(self, latin: list[str]) -> dict[str, str]:
        """Letters beyond Latin-1 that only one of the ``latin``-script catalogs writes, at least OWN_LETTER_MIN
        times, each with that locale."""
        counts = {
            loc: Counter(c for text in self._texts(loc) for c in text.casefold() if c.isalpha() and c > "\u00ff")
            for loc in latin
        }
        return {
            char: loc
            for loc, found in counts.items()
            for char, n in found.items()
            if n >= language.OWN_LETTER_MIN and not any(char in other for o, other in counts.items() if o != loc)
        }

    def _latin_spellings(self, latin: list[str]) -> dict[str, dict[str, str]]:
        """The words of each Cyrillic-script catalog as people type them in Latin letters, back to the words
        ("khochet" -> "хочет"); of words spelled alike ("litii": литий, литии), the one the catalog writes most.
        Spellings that are words of a ``latin``-script catalog are left out."""
        in_latin = set().union(*(self.vocabulary(loc) for loc in latin))
        found: dict[str, dict[str, str]] = {}
        for locale in sorted(self.scripts.get(language.CYRILLIC_SCRIPT, ())):
            spelled = found[locale] = {}
            for word, _ in sorted(self.word_counts(locale).items(), key=lambda item: (-item[1], item[0])):
                spelling = russian_latin(word)
                long_enough = len(spelling) >= language.SPELLED_MIN and spelling.isascii() and spelling.isalpha()
                if long_enough and spelling not in in_latin:
                    spelled.setdefault(spelling, word)
        return found

    def _spelled_locale(self, words: list[str], country: str | None) -> str | None:
        """The Cyrillic-script locale whose words, in Latin letters, make a third or more of ``words`` (two
        different ones at least, or one from a country whose first language it is: "psilocybin terapiya
        pomogaet?" from Russia, where "terapiya" is Tagalog too); None if none does."""
        latin = [w for w in words if w.isascii() and w.isalpha()]
        first = self.country_languages(country)[:1]
        for locale, spelled in self._spelled.items():
            found = {w for w in latin if russian_latin(w) in spelled}
            least = 1 if locale.split("_")[0] in first else 2
            if len(found) >= least and 3 * sum(w in found for w in latin) >= len(latin):
                return locale
        return None

    def from_latin(self, text: str, locale: str) -> str:
        """``text`` (normalized, in Latin letters) with each word of ``locale`` written as its catalog writes it."""
        spelled = self._spelled.get(locale, {})
        return " ".join(spelled.get(russian_latin(w), w) if w.isascii() else w for w in text.split())

    def pick(self, candidates: set[str], country: str | None) -> str:
        """One locale from several that share a word: the sender's country's, then the default."""
        if len(candidates) == 1:
            return next(iter(candidates))
        for lang in self.country_languages(country):
            for locale in sorted(candidates):
                if locale == lang or locale.split("_")[0] == lang:
                    return locale
        if self.default_locale in candidates:
            return self.default_locale
        return sorted(candidates)[0]

    def _country_or_default(self, country: str | None, candidates: set[str], best: str | None = None) -> str:
        for lang in self.country_languages(country):
            if lang in candidates:
                return lang
        return best or self.default_locale

    def _texts(self, locale: str) -> list[str]:
        """Everything written in ``locale``: its catalog (crisis lists included: they are how people text)."""
        if locale == SOURCE_LOCALE:
            return [m.id for m in self.content.all_messages()]
        catalog = self.catalogs.get(locale)
        return list(catalog.entries.values()) if catalog else []

    def country_languages(self, country: str | None) -> tuple[str, ...]:
        """Languages of ``country``: content/countries.yaml first, else CLDR."""
        if not country:
            return ()
        return self.content.countries.get(country) or official_languages(country, self._cldr_aliases)

    def script_locales(self, text: str) -> set[str]:
        """The served locales written in the script of ``text`` (Hangul -> ko), if any but Latin."""
        for char in text:
            if char.isalpha() and char > "\u024f":
                found = self.scripts.get(script_of(char))
                if found:
                    return found
        return set()

    # -- building ------------------------------------------------------------

    def _cached(self, key: tuple, build: Callable[[], T]) -> T:
        """What ``build`` makes, made once per ``key`` (menus, HELP and answers, built when first asked for)."""
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
            self._commands.update(words)
        for word in self.words(locale, content.words[needs.MENU_WORDS]):
            self.menu_words.setdefault(compact(word), set()).add(locale)
            self._commands.add(word)
        for word in self.words(locale, content.words[needs.HELP_WORDS]):
            self.help_words.setdefault(compact(word), set()).add(locale)
            self._commands.add(word)
        for word in [*self.words(locale, content.words[needs.LANGUAGE_WORDS]), *_english_name(locale), locale]:
            self.language_words.setdefault(compact(word), locale)
            self._commands.add(word)

    def _question_documents(self, locale: str) -> list[Document]:
        """What a question in ``locale`` is matched against: each topic's paragraphs as it would be answered
        (its translation, or the fallback that answers it), the example questions translated for ``locale``,
        and the questions our article does not answer."""
        syllables = self.content.languages.syllables
        documents = []
        for name, topic in self.content.topics.items():
            effective = self.translations.resolve(locale, topic_messages(self, name))
            for n, message in enumerate(topic.paragraphs):
                text = self.text(effective, message) or ""
                documents.append(Document(name, n, tuple(terms(text, effective in syllables))))
        examples = [(name, m) for name, topic in self.content.topics.items() for m in topic.questions]
        for name, message in [*examples, *((OUTSIDE, m) for m in self.content.outside)]:
            if question := self.text(locale, message):
                documents.append(Document(name, None, tuple(terms(question, locale in syllables))))
        return documents

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


KEYWORD_TYPO_MIN = 4  # keywords this long forgive one typo (MEDZ, DOCTER, THERAPHY)
COMMAND_LENGTH = 40  # longer messages are never one of our own words: the crisis check always reads them


def _deletion_index(words) -> dict[str, set[str]]:
    """Each word and each of its one-letter deletions -> the words: finds words one edit away in a few lookups."""
    index: dict[str, set[str]] = {}
    for word in words:
        for key in (word, *(word[:i] + word[i + 1 :] for i in range(len(word)))):
            index.setdefault(key, set()).add(word)
    return index


def _one_typo(a: str, b: str) -> bool:
    """One insertion, deletion, substitution or swap of neighbours apart (not equal)."""
    return a != b and one_edit(a, b)


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
