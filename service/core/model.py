"""The content the core reads: English messages with their place in content/, and finished translations.

content/ builds these from files; the core only reads them.
"""

from dataclasses import dataclass, field, replace

from .backstop import Backstop
from .questions import TopicModel


@dataclass(frozen=True)
class Message:
    """One translatable text: a gettext context, the English, and where it is."""

    context: str
    id: str
    path: str
    line: int
    comment: str = ""
    topic: str | None = None  # the topic it belongs to, if any


@dataclass(frozen=True)
class Review:
    """Who last checked a topic against its source, and when (a role is enough: "clinic nurse")."""

    date: str  # YYYY-MM-DD
    by: str
    source: str
    line: int


@dataclass(frozen=True)
class Topic:
    name: str
    aliases: tuple[str, ...]
    keywords: Message
    title: Message
    paragraphs: tuple[Message, ...]
    review: Review | None = None
    questions: tuple[Message, ...] = ()  # examples of how people ask about it: never sent, they help find it

    def messages(self) -> tuple[Message, ...]:
        return (self.keywords, self.title, *self.paragraphs, *self.questions)


@dataclass(frozen=True)
class CrisisLine:
    country: str
    number: str
    how: str  # a crisis message name: call_or_text or call
    emergency: str
    extra: str | None  # a crisis message name, or None
    source: str
    dial: str | None = None  # an international number a phone call may be connected to (never an emergency one)


@dataclass(frozen=True)
class Voice:
    """A Twilio <Say> voice: its language code (es-US) and name (Polly.Lupe)."""

    language: str
    name: str


@dataclass(frozen=True)
class Voices:
    """content/voices.yaml: the voice of each language, and what languages without one hear instead."""

    voices: dict[str, Voice] = field(default_factory=dict)
    instead: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Languages:
    """content/languages.yaml: what code cannot know about the shipped languages."""

    # Pairs of locales allowed to share a keyword; a country rule then picks one.
    shared_keywords: frozenset[frozenset[str]] = frozenset()
    # CLDR's code for a language whose catalog uses another ("fil" -> "tl").
    cldr_aliases: dict[str, str] = field(default_factory=dict)
    # Languages whose marks change a word's meaning (Vietnamese tones): crisis words match softly without them.
    marks_matter: frozenset[str] = frozenset()
    # Languages whose SMS replies fold letters outside GSM-7 to their nearest GSM-7 letter (á -> a).
    sms_fold: frozenset[str] = frozenset()
    # Languages written in spaced syllables (Vietnamese): questions are looked up by syllable pairs too.
    syllables: frozenset[str] = frozenset()
    # Languages also written in Latin letters with digits for letters (Arabic: "7ali"): crisis items so written
    # are also read by their consonants.
    digits_for_letters: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Content:
    topics: dict[str, Topic]
    messages: dict[str, Message]
    words: dict[str, Message]
    crisis_lists: dict[str, Message]  # the crisis rules' lists by name: phrases, passive, self, harm...
    crisis_messages: dict[str, Message]
    crisis_lines: dict[str, CrisisLine]  # country code -> line
    countries: dict[str, tuple[str, ...]]  # country code -> languages, most likely first
    languages: Languages = Languages()
    # Crisis lists of languages we have no catalog for (German, Italian, Hindi...): code -> list name -> items.
    more_crisis_lists: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    backstop: Backstop | None = None  # the weaker crisis tier's statistical backstop (content/crisis_backstop.json)
    outside: tuple[Message, ...] = ()  # questions our article does not answer (content/outside.yaml)
    voices: Voices = Voices()  # the phone line's voices (content/voices.yaml)
    # Which topic a question is about, per language (content/questions_model.json); None: BM25 alone decides.
    topic_models: dict[str, TopicModel] | None = None

    def all_messages(self) -> list[Message]:
        found = [*self.messages.values(), *self.words.values(), *self.crisis_lists.values()]
        found += self.crisis_messages.values()
        for topic in self.topics.values():
            found += topic.messages()
        return found + list(self.outside)


@dataclass(frozen=True)
class Problem:
    """Something wrong in content or a catalog, placed by file and line, and by locale and topic where known."""

    path: str
    line: int
    text: str
    locale: str | None = None
    topic: str | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text}"


class ContentError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


@dataclass(frozen=True)
class Catalog:
    """What one locale's translators have finished: fuzzy and withheld entries are left out."""

    locale: str
    path: str
    entries: dict[tuple[str, str], str]
    lines: dict[tuple[str, str], int] = field(default_factory=dict)  # (context, msgid) -> line in the .po
    fuzzy: dict[tuple[str, str], str] = field(default_factory=dict)  # stale translations, not served
    review: str = ""  # the header's word on review: a draft awaiting a clinician, or reviewed; and when revised

    def get(self, context: str, msgid: str) -> str | None:
        return self.entries.get((context, msgid))

    def latest(self, message: Message) -> str | None:
        """The translation of ``message``, else a stale one, else one made for an older English text of
        the same context: for lists that must never go out of service (crisis words) while English changes."""
        key = (message.context, message.id)
        if key in self.entries or key in self.fuzzy:
            return self.entries.get(key) or self.fuzzy[key]
        older = [text for (context, _), text in (*self.entries.items(), *self.fuzzy.items()) if context == key[0]]
        return older[0] if older else None

    def line(self, message: Message) -> int:
        return self.lines.get((message.context, message.id), 1)

    def without(self, keys) -> "Catalog":
        """This catalog less the entries ``keys``: they fall back as if untranslated."""
        keys = set(keys)
        kept = {k: v for k, v in self.entries.items() if k not in keys}
        return replace(self, entries=kept)

    def overriding(self, entries: dict[tuple[str, str], str]) -> "Catalog":
        return replace(self, entries={**self.entries, **entries})
