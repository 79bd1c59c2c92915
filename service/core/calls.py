"""The same line by phone: keypad menus read aloud, from the same catalogs as the texts. No Flask.

A call is stateless like a text: where the caller is travels in the next action's address (a ``Place``).
Each step is what to say (each sentence in the voice of the language it is really in, after fallback),
then either a key to wait for, a number to connect to, or the end of the call.
"""

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from . import needs
from .menus import crisis_messages
from .segments import gsm_friendly

if TYPE_CHECKING:
    from .library import Library

LANGUAGES_KEY, REPEAT_KEY, CRISIS_KEY, MORE_KEY, MENU_KEY, CONNECT_KEY = "7", "9", "0", "1", "*", "1"
MAX_TOPICS = 6  # keys 1 to 6
LANGUAGES_PER_PAGE = 8  # keys 1 to 8; 9 for the next page
MENU, TOPIC, LANGUAGES, CRISIS = "menu", "topic", "languages", "crisis"
VOICE = "voice"  # the channel calls are counted under


@dataclass(frozen=True)
class Say:
    text: str
    locale: str  # the language the text is in: its voice reads it
    pause: int = 0  # seconds of silence before it


@dataclass(frozen=True)
class Place:
    """Where a caller is: what the next key press means."""

    at: str = MENU
    locale: str = ""  # none chosen yet: the caller's country decides
    topic: str = ""
    paragraph: int = 0
    page: int = 0  # of the language menu
    tries: int = 0  # silences or unknown keys in a row

    def query(self) -> dict[str, str]:
        fields = {"at": self.at, "l": self.locale, "t": self.topic, "p": self.paragraph, "g": self.page}
        return {k: str(v) for k, v in {**fields, "n": self.tries}.items() if v not in ("", 0)}

    @classmethod
    def from_query(cls, args) -> "Place":
        """A place from an action's query; anything odd gives the menu (a caller never hears an error)."""

        def number(name: str) -> int:
            value = str(args.get(name, "0"))
            return int(value) if value.isdigit() and len(value) <= 3 else 0

        at = str(args.get("at", MENU))
        return cls(
            at if at in (MENU, TOPIC, LANGUAGES, CRISIS) else MENU,
            str(args.get("l", ""))[:16],
            str(args.get("t", ""))[:32],
            number("p"),
            number("g"),
            min(number("n"), 2),
        )


@dataclass(frozen=True)
class Step:
    says: tuple[Say, ...]
    then: Place | None  # the place a key press is read in; None: hang up after speaking
    dial: str | None = None  # connect the call to this number after speaking
    heard: str | None = None  # the topic this step reads the start of (counted once per call)


def answer_call(library: "Library", place: Place, digits: str | None, country: str | None) -> Step:
    """What a caller hears at ``place`` after pressing ``digits`` (None: just arrived or said nothing)."""
    locale = caller_locale(library, place.locale, country)
    place = replace(place, locale=locale)
    key = (digits or "").strip()[:1]
    if place.at == TOPIC and place.topic in library.content.topics:
        return _after_topic(library, place, key, country)
    if place.at == LANGUAGES:
        return _after_languages(library, place, key, country)
    if place.at == CRISIS:
        line = library.content.crisis_lines.get(country or "")
        if key == CONNECT_KEY and line and line.dial:
            return Step((), None, dial=line.dial)
        return menu(library, replace(place, at=MENU, tries=0), country)
    if digits is None:  # the call has just come in
        return menu(library, place, country, welcome=True, arrived=True)
    return _after_menu(library, place, key, country)


def walk(library: "Library", country: str | None, keys: list[str]) -> list[tuple[str | None, Step]]:
    """A whole call: the arrival, then each key in turn ("" a silence); stops where the call ends."""
    steps: list[tuple[str | None, Step]] = []
    place: Place | None = Place()
    for key in [None, *keys]:
        if place is None:
            break
        step = answer_call(library, place, key, country)
        steps.append((key, step))
        place = step.then
    return steps


def caller_locale(library: "Library", wanted: str, country: str | None) -> str:
    """The spoken language: the one chosen, else the country's, else the default; one with a voice."""
    voices = library.content.voices
    candidates = [wanted] if wanted else []
    candidates += [loc for loc in library.country_languages(country) if loc in library.locales]
    candidates.append(library.default_locale)
    for locale in candidates:
        if locale in voices.voices and locale in library.locales:
            return locale
        for instead in voices.instead.get(locale, ()):
            if instead in library.locales:
                return instead
    return next(iter(voices.voices), library.default_locale)


def menu(library: "Library", place: Place, country: str | None, welcome: bool = False, arrived: bool = False) -> Step:
    """The keypad menu: topics 1 to 6, another language, repeat, and the crisis line."""
    locale = place.locale
    says: list[Say] = []
    if arrived:
        says += _no_voice(library, locale, country)
    if welcome:
        says.append(_say(library, "voice_welcome", locale))
    line = library.content.messages["voice_topic"]
    for digit, topic in enumerate(list(library.content.topics.values())[:MAX_TOPICS], 1):
        found = library.translations.resolve(locale, [line, topic.title])  # each line in one language
        title = library.text(found, topic.title) or topic.title.id
        says.append(_say(library, "voice_topic", found, title=title, digit=digit))
    says.append(_say(library, "voice_other_language", locale, digit=LANGUAGES_KEY))
    says.append(_say(library, "voice_repeat", locale, digit=REPEAT_KEY))
    says.append(_say(library, "voice_crisis", locale, digit=CRISIS_KEY))
    short = library.crisis(locale, country, short=True)
    says.append(Say(speakable(short, digits=True), _crisis_locale(library, locale, country)))
    return Step(tuple(says), replace(place, at=MENU))


def goodbye(library: "Library", locale: str, country: str | None) -> Step:
    says = (_say(library, "voice_goodbye", locale), _crisis(library, locale, country))
    return Step(says, None)


def speakable(text: str, digits: bool = False) -> str:
    """Screen text as it reads aloud: brand names in parentheses as asides; with ``digits`` (phone
    numbers), numbers digit by digit, a pause between groups ("800 911 2000": "8 0 0, 9 1 1, 2 0 0 0")."""
    text = re.sub(r"\s*[(（]([^)）]*)[)）]", r", \1,", gsm_friendly(text))
    if digits:
        text = re.sub(r"\d+(?: \d+)*", lambda m: ", ".join(" ".join(g) for g in m.group(0).split()), text)
    return re.sub(r",\s*([.,;:])", r"\1", text).strip(" ,")


# -- after a key ------------------------------------------------------------------------------------


def _after_menu(library: "Library", place: Place, key: str, country: str | None) -> Step:
    topics = list(library.content.topics)[:MAX_TOPICS]
    if key.isdigit() and 1 <= int(key) <= len(topics):
        return _paragraph(library, Place(TOPIC, place.locale, topics[int(key) - 1]), country)
    if key == LANGUAGES_KEY:
        return languages(library, Place(LANGUAGES, place.locale))
    if key == CRISIS_KEY:
        return crisis_step(library, place.locale, country)
    if key == REPEAT_KEY:
        return menu(library, replace(place, tries=0), country)
    return _again(library, place, country, lambda p: menu(library, p, country))


def _after_topic(library: "Library", place: Place, key: str, country: str | None) -> Step:
    if key == MORE_KEY:
        return _paragraph(library, replace(place, paragraph=place.paragraph + 1, tries=0), country)
    if key == REPEAT_KEY:
        return _paragraph(library, replace(place, tries=0), country)
    if key == MENU_KEY:
        return menu(library, Place(MENU, place.locale), country)
    if key == CRISIS_KEY:
        return crisis_step(library, place.locale, country)
    return _again(library, place, country, lambda p: _paragraph(library, p, country, again=True))


def _after_languages(library: "Library", place: Place, key: str, country: str | None) -> Step:
    choices = spoken_locales(library)
    if place.page * LANGUAGES_PER_PAGE >= len(choices):
        place = replace(place, page=0)
    page = choices[place.page * LANGUAGES_PER_PAGE : (place.page + 1) * LANGUAGES_PER_PAGE]
    if key.isdigit() and 1 <= int(key) <= len(page):
        return menu(library, Place(MENU, page[int(key) - 1]), country, welcome=True)
    if key == REPEAT_KEY and len(choices) > (place.page + 1) * LANGUAGES_PER_PAGE:
        return languages(library, replace(place, page=place.page + 1, tries=0))
    if key == CRISIS_KEY:
        return crisis_step(library, place.locale, country)
    return _again(library, place, country, lambda p: languages(library, p))


def _again(library: "Library", place: Place, country: str | None, repeat) -> Step:
    """A silence or an unknown key: say it again once, then goodbye."""
    if place.tries >= 1:
        return goodbye(library, place.locale, country)
    return repeat(replace(place, tries=place.tries + 1))


# -- what is read -----------------------------------------------------------------------------------


def _paragraph(library: "Library", place: Place, country: str | None, again: bool = False) -> Step:
    spec = library.content.topics[place.topic]
    locale = library.translations.resolve(place.locale, list(spec.paragraphs))
    if place.paragraph >= len(spec.paragraphs):
        end = _say(library, "voice_end", place.locale)
        step = menu(library, Place(MENU, place.locale), country)
        return replace(step, says=(end, *step.says))
    text = library.text(locale, spec.paragraphs[place.paragraph]) or ""
    says = (Say(speakable(text), locale), _say(library, "voice_more", place.locale))
    heard = place.topic if place.paragraph == 0 and not again else None
    return Step(says, place, heard=heard)


def languages(library: "Library", place: Place) -> Step:
    """Each language offers itself, in its own voice: "Para español, oprima 2"."""
    choices = spoken_locales(library)
    if place.page * LANGUAGES_PER_PAGE >= len(choices):
        place = replace(place, page=0)
    page = choices[place.page * LANGUAGES_PER_PAGE : (place.page + 1) * LANGUAGES_PER_PAGE]
    says = []
    for digit, locale in enumerate(page, 1):
        name = (library.words(locale, library.content.words[needs.LANGUAGE_WORDS]) or [locale])[0]
        says.append(_say(library, "voice_choose_language", locale, language=name.capitalize(), digit=digit))
    if len(choices) > (place.page + 1) * LANGUAGES_PER_PAGE:
        says.append(_say(library, "voice_more_languages", place.locale, digit=REPEAT_KEY))
    return Step(tuple(says), place)


def crisis_step(library: "Library", locale: str, country: str | None) -> Step:
    """The country's crisis line, slowly, twice; where it can be called through, a key to connect."""
    line = library.content.crisis_lines.get(country or "")
    first = _crisis(library, locale, country)
    says = [first, replace(first, pause=1)]
    if line and line.dial:
        says.append(_say(library, "voice_connect", locale, digit=CONNECT_KEY))
    return Step(tuple(says), Place(CRISIS, locale), heard="crisis")


def spoken_locales(library: "Library") -> list[str]:
    return [loc for loc in library.locales if loc in library.content.voices.voices]


def _crisis(library: "Library", locale: str, country: str | None) -> Say:
    return Say(speakable(library.crisis(locale, country), digits=True), _crisis_locale(library, locale, country))


def _crisis_locale(library: "Library", locale: str, country: str | None) -> str:
    return library.translations.resolve(locale, crisis_messages(library.content, country))


def _no_voice(library: "Library", locale: str, country: str | None) -> list[Say]:
    """For a caller whose language has no voice (Haitian Creole): that they can text in it."""
    for own in library.country_languages(country):
        if own in library.content.voices.instead and own in library.locales:
            name = (library.words(own, library.content.words[needs.LANGUAGE_WORDS]) or [own])[0]
            return [_say(library, "voice_no_voice", locale, language=name.capitalize())]
        if own in library.content.voices.voices:
            return []
    return []


def _say(library: "Library", name: str, locale: str, **fields) -> Say:
    """A message from messages.yaml in ``locale`` or its fallback, in the voice of the language it is in."""
    message = library.content.messages[name]
    found = library.translations.resolve(locale, [message])
    text = (library.text(found, message) or message.id).format(**fields)
    return Say(speakable(text), found)
