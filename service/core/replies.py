"""The core: one inbound text in, one reply out. No Flask, no database."""

import functools
import re
from collections.abc import Collection
from dataclasses import dataclass

import phonenumbers
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE as CALLING_CODES

from . import needs
from .crisis import CONFIDENT, Signal
from .language import ARABIC_IN_LATIN, CYRILLIC_IN_LATIN, TOLD, UNSURE
from .library import Library
from .normalize import normalize
from .pages import TopicPages, with_crisis
from .paging import SMS, WHATSAPP

MAX_BODY = 1600
MAX_PAGE_DIGITS = 6
KEYWORD_MEMO = 4096  # keyword replies a library keeps: the same few hundred texts make most of the traffic
_MEMO_DIGITS = re.compile(r"\d{4}")  # a text with a run of digits (a number?) is never kept

STOP_WORDS, START_WORDS = needs.STOP_WORDS, needs.START_WORDS

# Count labels for replies that are not topics.
CRISIS, STOP, START, HELP, MENU, UNKNOWN = "crisis", "stop", "start", "help", "menu", "unknown"
CRISIS_SOFT = "crisis_soft"  # a weaker crisis signal: the crisis reply, then the ordinary answer

# How an ordinary message was understood, counted per day and language (none: crisis and carrier words).
BY_KEYWORD, BY_QUESTION, NOT_UNDERSTOOD = "keyword", "question", "not_understood"
UNDERSTOOD = (BY_KEYWORD, BY_QUESTION, NOT_UNDERSTOOD)


@dataclass(frozen=True)
class Reply:
    """What to send, one SMS or WhatsApp message each (none: send nothing), what to count, and why."""

    messages: tuple[str, ...]
    topic: str
    locale: str
    page: int = 1
    why: str = ""  # the rule that chose this reply, for /try and `textline text`
    answered_by: str = ""  # BY_KEYWORD, BY_QUESTION, NOT_UNDERSTOOD; empty for crisis and carrier words

    @property
    def text(self) -> str | None:
        """The whole reply as one text, or None when nothing is sent."""
        return "\n\n".join(self.messages) if self.messages else None


@dataclass(frozen=True)
class Sender:
    """What a request says about where it comes from; nothing here is stored."""

    channel: str = SMS
    country: str | None = None

    @classmethod
    def from_twilio(cls, sender: str, from_country: str | None = None) -> "Sender":
        """Read channel and country from Twilio's ``From`` and ``FromCountry``."""
        channel = WHATSAPP if sender.startswith("whatsapp:") else SMS
        country = (from_country or "").strip().upper() or _country_of(sender.removeprefix("whatsapp:"))
        return cls(channel, country if country and len(country) == 2 and country.isalpha() else None)


def answer(library: Library, body: str, sender: Sender = Sender(), opted_out_by_twilio: bool = False) -> Reply:
    """Reply to one message, as the webhook, the simulator and ``textline text`` do.

    A reply to a keyword, a page, a language word or a carrier word is the same for the same text, channel
    and country as long as the library serves, so the library keeps it (``MEDS``, ``meds 2``, ``STOP``: not
    personal). Crisis language, questions and anything not understood are answered afresh every time, and
    their texts are never kept."""
    key = (body, sender.channel, sender.country, opted_out_by_twilio)
    reply = library.keyword_replies.get(key)
    if reply is None:
        reply = _answer(library, body, sender, opted_out_by_twilio)
        if (reply.answered_by == BY_KEYWORD or reply.topic in (STOP, START)) and not _MEMO_DIGITS.search(body):
            if len(library.keyword_replies) >= KEYWORD_MEMO:
                library.keyword_replies.clear()
            library.keyword_replies[key] = reply
    return reply


def _answer(library: Library, body: str, sender: Sender = Sender(), opted_out_by_twilio: bool = False) -> Reply:
    body = body[:MAX_BODY]
    text = normalize(body)
    carrier_word = text in STOP_WORDS or text in START_WORDS  # never read as anything else
    signal = None if carrier_word else library.crisis_signal(body)
    if signal is not None and signal.tier == CONFIDENT:
        locale = _crisis_locale(library, signal, sender, written=library.script_locales(text))
        crisis = library.for_channel(locale, sender.channel, library.crisis(locale, sender.country))
        return Reply((crisis,), CRISIS, locale, why=f"crisis: {signal.rule}")
    if carrier_word:
        label = STOP if text in STOP_WORDS else START
        if opted_out_by_twilio:  # Advanced Opt-Out already confirmed it
            return Reply((), label, library.default_locale, why="carrier word, confirmed by Twilio")
        name = needs.STOP if label == STOP else needs.START
        text = library.for_channel(
            library.default_locale, sender.channel, library.message(name, library.default_locale)
        )
        return Reply((text,), label, library.default_locale, why="carrier word")
    if signal is not None:  # the whole crisis reply first, then a keyword page or the menu, in one message
        words_of = signal.locales & set(library.locales) - {library.default_locale}  # English is borrowed by all
        guess = pick_locale(library, set(words_of), sender) if words_of else None
        pages, label, number, why, _ = _ordinary(library, text, body, sender, questions=False, guess=guess)
        crisis = library.crisis(pages.locale, sender.country)  # one language: the crisis reply's is the page's
        number = min(number, len(pages.pages))
        reply = with_crisis(library, crisis, pages, number, sender.channel, sender.country)
        return Reply((reply,), CRISIS_SOFT, pages.locale, number, f"weaker crisis signal: {signal.rule}; then {why}")
    return _page(*_ordinary(library, text, body, sender))


def _ordinary(
    library: Library, text: str, body: str, sender: Sender, questions: bool = True, guess: str | None = None
) -> tuple[TopicPages, str, int, str, str]:
    """What a message that is not crisis language asks for: the pages, their label, the page number, why,
    and how it was understood. ``text`` is ``body`` normalized; without ``questions``, nothing is looked up
    in the article's paragraphs (the weaker crisis tier answers only keywords, else the menu). ``guess`` is the
    language of crisis words found in it, which decides where the text is too short to tell ("tout est prêt"
    from the US), or where those words are of a language written in another script, which the text's letters
    cannot tell in Latin letters ("akher message meni": Arabic without a digit for a letter)."""
    whole = text.replace(" ", "")  # already normalized
    if whole in library.language_words:  # "ESPAÑOL", "TIẾNG VIỆT", "ES": the menu in that language
        menu = library.menu_pages(library.language_words[whole], sender.channel, sender.country)
        return menu, MENU, 1, "language word", BY_KEYWORD
    words, page, language = _peel(library, text.split())
    number = max(page or 1, 1)
    key = "".join(words)
    if language and not (key in library.topic_words or key in library.menu_words or key in library.help_words):
        words, language = text.split(), None  # "sinaktan ko ang sarili ko": a code only follows our own words
        key = "".join(words)
    if key in library.help_words:
        locale = language or pick_locale(library, library.help_words[key], sender)
        return library.help_pages(locale, sender.channel, sender.country), HELP, number, "help word", BY_KEYWORD
    if key in library.menu_words:
        locale = language or pick_locale(library, library.menu_words[key], sender)
        return library.menu_pages(locale, sender.channel, sender.country), MENU, number, "menu word", BY_KEYWORD
    owners = library.topic_words.get(key)
    why = "keyword"
    if not owners and (near := library.near_keyword(words)):  # THERAPHY, MEDZ, DOCTER: a keyword, mistyped
        owners, why = near, "keyword, mistyped"
    if owners:
        locale = language or pick_locale(library, set(owners), sender)
        topic = owners.get(locale) or next(iter(owners.values()))
        return library.topic_pages(topic, locale, sender.channel), topic, number, why, BY_KEYWORD
    # Words of its own: a question the article may answer, in the language of its script, words and letters.
    locale, how = library.identify(text, sender.country, body)
    if guess and (how in UNSURE or (how not in TOLD and guess in library.not_latin)):
        locale, how = guess, "its crisis words"
    locale = language or locale
    if not questions:
        return library.menu_pages(locale, sender.channel, sender.country), UNKNOWN, 1, f"menu ({how})", NOT_UNDERSTOOD
    if how == ARABIC_IN_LATIN:  # the Arabic paragraphs are in Arabic script: nothing to look it up in
        menu = library.not_understood_pages(locale, sender.channel, sender.country)
        return menu, UNKNOWN, 1, f"not understood, {locale} ({how})", NOT_UNDERSTOOD
    if how == CYRILLIC_IN_LATIN:  # "vrach khochet dobavit' litiy": looked up as "врач хочет добавить литий"
        body = text = library.from_latin(text, locale)
    found = library.find_answer(body, locale, normalized=text)
    if not found.asked:  # "hola", "ok thanks, that helped", "info on depression": no one topic asked for: the menu
        menu = library.menu_pages(locale, sender.channel, sender.country)
        return menu, UNKNOWN, 1, f"{found.why}, {locale} ({how})", NOT_UNDERSTOOD
    if found.answered:
        pages, number = library.answer_pages(found, locale, sender.channel)
        return pages, found.topic or UNKNOWN, number, f"question in {locale} ({how}): {found.why}", BY_QUESTION
    menu = library.not_understood_pages(locale, sender.channel, sender.country)
    return menu, UNKNOWN, 1, f"not understood, {locale} ({how}): {found.why}", NOT_UNDERSTOOD


def _crisis_locale(library: Library, signal: Signal, sender: Sender, written: Collection[str]) -> str:
    """The language of the crisis reply: of the crisis words found, if we serve it; else of the sender's country,
    or the default (German words from Germany: the English reply with Germany's line).
    Words of a language in Latin letters amid another script are read in that script's language ("我想kill
    myself" gets the Chinese reply), as the ordinary answer is; but words only of a language we do not ship
    are not read as another language of their script (Persian and Urdu are not Arabic: the country's or the
    default reply), nor answered in another language of their country (Dutch from Belgium gets English, not
    French)."""
    served = signal.locales & set(library.locales)
    if written and not served.intersection(written) and (served or not signal.locales):
        served = frozenset(written)
    if served:
        return pick_locale(library, set(served), sender)
    spoken = library.country_languages(sender.country)
    if signal.locales.intersection(spoken):  # Dutch from Belgium: English, not the country's French
        return library.default_locale
    country = [loc for loc in spoken if loc in library.locales]
    return country[0] if country else library.default_locale


def _page(pages: TopicPages, label: str, number: int, why: str, answered_by: str) -> Reply:
    """Page ``number`` of ``pages``; past the end, how many there are (topics) or the last page."""
    if number <= len(pages.pages):
        return Reply((pages.pages[number - 1],), label, pages.locale, number, why, answered_by)
    if pages.past_end is None:  # menu and help: the last page is the useful answer
        return Reply((pages.pages[-1],), label, pages.locale, len(pages.pages), why, answered_by)
    return Reply((pages.past_end,), label, pages.locale, number, why, answered_by)


def _peel(library: Library, words: list[str]) -> tuple[list[str], int | None, str | None]:
    """Take a trailing page number and language code off ``MEDS 2 ES`` in any order."""
    page = language = None
    while len(words) > 1:
        last = words[-1]
        if page is None and last.isdigit():
            page = int(last) if len(last) <= MAX_PAGE_DIGITS else 10**MAX_PAGE_DIGITS
            words = words[:-1]
            continue
        # A language name may be two words ("TIẾNG VIỆT"): try those first.
        size = next((n for n in (2, 1) if len(words) > n and "".join(words[-n:]) in library.language_words), 0)
        if language is not None or not size:
            break
        code = library.language_words["".join(words[-size:])]
        if size == 1 and _ordinary_word(library, words[-1], words[:-1], code):
            words = words[:-1]  # "GAMOT KO": Tagalog for "my medicine", not GAMOT in Korean
            break
        language, words = code, words[:-size]
    return words, page, language


def _ordinary_word(library: Library, word: str, before: list[str], code: str) -> bool:
    """Whether a trailing language code is, in the language of the keyword before it, an ordinary word.

    Only then is it doubted: any form our own replies print (MEDICAMENTOS ES 2) names its own language."""
    owners = library.topic_words.get("".join(before), {})
    return bool(owners) and code not in owners and any(word in library.vocabulary(loc) for loc in owners)


def pick_locale(library: Library, candidates: set[str], sender: Sender) -> str:
    """One locale from several that share a word: sender's country, then default."""
    return library.pick(candidates, sender.country)


def _country_of(number: str) -> str | None:
    """The country of an E.164 number: its calling code's only country (most codes), else the one the number
    itself names (+1, +7, +44 and a few more are shared), else the code's main country."""
    digits = number[1:]
    if not (number[:1] == "+" and digits.isdigit() and len(digits) >= 4):
        return _read_country(number)
    for size in (1, 2, 3):  # calling codes are prefix-free
        regions = CALLING_CODES.get(int(digits[:size]))
        if regions:
            break
    else:
        return None
    if len(regions) == 1:
        return None if regions[0] == "001" else regions[0]
    if digits[0] == "1":  # North America: the area code names the country
        return _area_country(digits[1:4])
    return _read_country(number)


@functools.lru_cache(maxsize=1024)
def _area_country(area: str) -> str | None:
    """The country of a North American area code, as phonenumbers reads a number in it (a phonenumbers read
    of a +1 number tries up to 25 countries' patterns: 35-85 µs; 1,000 area codes at most)."""
    return _read_country(f"+1{area}2345678")


def _read_country(number: str) -> str | None:
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return None
    region = phonenumbers.region_code_for_number(parsed) or phonenumbers.region_code_for_country_code(
        parsed.country_code or 0
    )
    return None if region in (None, "ZZ", "001") else region
