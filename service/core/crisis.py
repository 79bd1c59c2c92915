"""Finding a person in danger in their own words, in every language we know the words of.

Each language has lists of words and phrases by concept (see content/crisis.yaml,
``rules``): alone-enough phrases, passive wishes, slang, and the parts rules put
together within a few words: a first person, an intent, a harm, a means, a
taking, a quantity. Texting habits are undone before matching: repeated letters,
spaced-out letters, digits and symbols for letters, Latin letters that look
Cyrillic inside a Cyrillic word, texting spellings, one typo in a long word.
A match is either confident (the crisis reply alone) or soft (the crisis
reply, then the ordinary answer); exceptions only ever move a confident match
to soft. Every match names the rule that fired.

Where tone marks carry meaning (Vietnamese: "tự tử" is suicide, "từ từ" is
slowly), a phrase matches at full strength only with its marks; the same
letters without marks match softly; the marks typed as Telex keys with the
keyboard off ("tuwj tuwr") are read as marks.
"""

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import cast

import ahocorasick

from .language import arabizi_words
from .normalize import LETTER_FOLDS, simplified
from .telex import untelex

CONFIDENT, SOFT = "crisis", "soft"
# Lists that fire alone, and their tier.
ALONE = {"phrases": CONFIDENT, "passive": CONFIDENT, "slang": CONFIDENT, "soft": SOFT}
PARTS = ("self", "intent", "harm", "means", "prepared", "took", "quantity", "exceptions")
LISTS = (*ALONE, *PARTS)
SPELLINGS = "spellings"
TYPO_LISTS = ("phrases", "passive", "slang", "harm")
ANCHORS = frozenset({*ALONE, "harm", "took", "prepared"})
COUNT = "count"  # a number of 10 or more before a means ("30 pills"): a quantity no list holds, named apart

WINDOW_WORDS = 7  # parts of a rule meet within this many words
WINDOW_CHARS = 14  # ... or characters, in scripts written without spaces
WINDOW_ARABIC = 36  # ... or characters of Arabic, spaces included
FUZZY_MIN_LETTERS = 5  # a word this long may lack a letter, have one extra, or two swapped
# ... but a word of four letters read as one of five is an everyday word as often ("odin", one, in Russian
# Latin, is not ODING; "toma", takes, not TOMAR): so read only inside a phrase of ours ("dont want to be alve").
SHORT_GUESS = 2
JOINED_MIN = 5  # letters of a phrase run together ("killmyself"): shorter ones are everyday words too
SPLIT_MIN = 7  # a word of ours this long may come split in two or three ("over dose", "pento barbital")
SPLIT_PART = 3  # ... into parts of at least this many letters each
SPLIT_LISTS = (*TYPO_LISTS, "means")  # ... a word of these lists
REPAIR_CACHE = 10_000
SUBSTITUTION_MIN = 8  # ... or, this long, one letter changed ("handing" is not "hanging")
BIG_NUMBER = 10  # "took 30 pills"
# Words run together ("honestlyjustwannagotosleepandnotwakeup"): a word this long that is none of ours is searched
# for the phrases of our lists written without their spaces, this long at least; found so, a phrase is doubted (the
# weaker tier), as a short Korean item begun inside a word is.
RUN_TOGETHER_WORD = 12
RUN_TOGETHER_ITEM = 7
LATIN_AMONG_OTHERS = 4  # letters of a means in Latin letters read among Chinese, Korean or Arabic ("pill", not "gun")
# A number followed by a unit of dose or of time counts no pills: "took 20 mg sertraline", "nehme seit 10 Jahren
# Antidepressiva", "باخد 20 مجم" (the shipped languages' spellings; folded, as messages are read).
NOT_A_COUNT = frozenset(
    """
mg mgs mcg ug ml milligram milligrams milligramm milligrammes miligramos miligramas milligrammi мг мл
year years yr yrs month months week weeks day days hour hours hrs min mins minutes
ano anos anos mes meses semana semanas dia dias hora horas minutos
an ans mois semaine semaines jour jours heure heures
jahr jahre jahren monat monate monaten woche wochen tag tage tagen stunde stunden minuten
anno anni mese mesi settimana settimane giorno giorni ora ore minuti
год года лет месяц месяца месяцев неделя недели недель день дня дней час часа часов минут
nam thang tuan ngay gio phut
taon buwan linggo araw oras minuto
mwa semen jou edtan
saal mahine mahina hafte din ghante
مجم ملجم ملغ ملغم مج مغ مل ملي
يوم ايام اسبوع اسابيع اسبوعين شهر شهور اشهر سنه سنين سنوات ساعه ساعات دقيقه دقايق دقائق مره مرات
""".split()  # noqa: SIM905 (a list of words)
)
MAX_TEXTED = 32  # texted forms of one list item, its words respelled in every combination up to this many

_LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "8": "b",
        "@": "a",
        "$": "s",
        "!": "i",
        "|": "l",
        "+": "t",
    }
)
_LEET_CYRILLIC = str.maketrans({"0": "о", "1": "и", "3": "з", "4": "ч", "6": "б", "@": "а", "$": "с"})
_LEET_CHARS = set("0134578@$!|+*")
_ARABIZI = re.compile(r"[25679]|(?<=[^\W\d_])3|3(?=[^\W\d_])")  # digits Arabic chat writes for letters
_REPEATS = re.compile(r"(.)\1{2,}")
_DOUBLES = re.compile(r"(.)\1")
_RUNS = re.compile(r"(.)\1+")
# Arabic in Latin letters is spelled many ways ("khalles", "5alles", "5alas"; "7boob", "7bob", "7ubub"): read by
# its consonants too, one spelling for each sound, its vowels left out.
_ARABIZI_SOUNDS = re.compile(r"kh|gh|sh|ch|h|q")
_ARABIZI_SOUND = {"kh": "5", "gh": "8", "sh": "$", "ch": "$", "h": "7", "q": "2"}
_VOWELS = str.maketrans("", "", "aeiou")
ARABIZI_ONE_WORD = ("took", "means")  # lists whose single words are read so too ("5dit" as "5ADT", took): parts only
ARABIZI_CONSONANTS_MIN = 3  # consonants an item must have to be read so: fewer ("mt": mout, mat, meet) say too little
_YO = str.maketrans("ёЁ", "еЕ")  # Russian ё, which most people type as е: lists and messages are read with е
_CONTRACTED = re.compile(r"^(od)['’]d$")  # "od'd" (overdosed); not "we'd", "it'd"
_PLAIN = re.compile(r"[^\W\d_]+(?: [^\W\d_]+)*")
_ELISION = re.compile(r"(?<![^\W\d_])([^\W\d_i]|qu)['’](?=[^\W\d_])", re.IGNORECASE)  # l' d' j' m' qu' (not I'm)


@dataclass(frozen=True)
class Signal:
    """A crisis match: its tier, the rule that fired, and the languages whose words it found."""

    tier: str  # CONFIDENT or SOFT
    rule: str
    locales: frozenset[str]


Owner = tuple[str, str, bool, str]  # who an item is: its locale, concept, whether marks cap it, and the item itself


class Node:
    """A node of a trie of words: the owners of the items ending there (None: no item ends there), and the node of
    each word that may come next. A class, not a dictionary with None for its owners: compiled, both are read
    straight from memory, and the next words' dictionary holds only words (found by the faster string lookup)."""

    __slots__ = ("owners", "next")

    def __init__(self) -> None:
        self.owners: list[Owner] | None = None
        self.next: dict[str, Node] = {}


# A message's words as columns (see ``_words_of``): as written, folded and in Russian Latin; whether the first two are
# guesses; where each of the three begins in the trie; whether it is a number big enough to count pills.
Columns = tuple[
    tuple[str, ...],
    tuple[str, ...],
    tuple[str, ...],
    tuple[int, ...],
    tuple[int, ...],
    tuple[Node | None, ...],
    tuple[Node | None, ...],
    tuple[Node | None, ...],
    tuple[bool, ...],
]


Form = tuple[str, str, str, int, int, Node | None, Node | None, Node | None, bool]  # one word's row of ``Columns``

# The two classes below are plain classes, not named tuples: compiled (`make compile`), their fields are read
# straight from memory and they are built without calling Python code.


class _Reading:
    """What one token of a message stands for (kept per token: most words repeat from message to message)."""

    __slots__ = ("forms", "words", "single_letters", "consonants", "consonants_start")

    def __init__(
        self,
        forms: tuple[Form, ...],
        words: tuple[str, ...],
        single_letters: int,
        consonants: str,
        consonants_start: Node | None,
    ) -> None:
        # Each of its words: repaired (marks kept), folded and repaired, in Russian Latin; whether the first and
        # the second are a guess (a typo or a doubled letter undone: "changed" as "hanged" may be neither;
        # SHORT_GUESS for a word of four letters); where each of the three begins in the trie of items (None: no
        # item begins with it), looked up once per token, not once per message; and whether it is a number big
        # enough to count pills.
        self.forms = forms
        self.words = words  # its words as split ("s.u.i" is three), to find letters spelled out one by one
        self.single_letters = single_letters  # how many of its words are one letter ("s u i c i d e")
        # The token as Arabic in Latin letters, by its consonants ("a5alas" whole, not split at its digit), and
        # where it begins in the trie of such items.
        self.consonants = consonants
        self.consonants_start = consonants_start


class Hit:
    """An item of one of our lists found in a message."""

    __slots__ = ("locale", "concept", "item", "start", "end", "unit", "capped", "unmarked", "guessed", "glued")

    def __init__(
        self,
        locale: str,
        concept: str,
        item: str,
        start: int,
        end: int,
        unit: str,
        capped: bool = False,
        unmarked: bool = False,
        guessed: bool = False,
        glued: bool = False,
    ) -> None:
        self.locale = locale
        self.concept = concept
        self.item = item
        self.start = start  # position in the text it was found in: words, or characters without spaces
        self.end = end
        self.unit = unit  # "word" or "char"
        self.capped = capped  # found only without the marks its language needs: soft at most
        self.unmarked = unmarked  # found only by reading the sender's marked letters without them ("sống" as "song")
        self.guessed = guessed  # found only by reading a word as a typo of one of ours ("sucide"): soft at most
        self.glued = glued  # a short Korean item begun inside a word ("혼자살아요", I live alone): soft at most


# Emoji people text for a means or for death ("took all my 💊", "🔪 again tonight"): read as words of
# those concepts in every language (Crisis Text Line found the pill emoji a stronger sign than "suicide").
# Tears of laughter, a nervous laugh, rolled eyes and the monkey hiding its eyes mark a joke or an exaggeration
# ("if we lose tonight I'm jumping off the balcony 😂", "one more meeting and I shoot myself 🙄"): an exception,
# which only ever softens a match.
EMOJI = {
    "💊": ("pill", "means"),
    "🔪": ("knife", "means"),
    "🗡": ("dagger", "means"),
    "🪢": ("knot", "means"),
    "🔫": ("gun", "means"),
    "🪦": ("headstone", "harm"),
    "⚰": ("coffin", "harm"),
    "😂": ("laughing", "exceptions"),
    "🤣": ("rolling", "exceptions"),
    "🙄": ("eyeroll", "exceptions"),
    "🙈": ("seenoevil", "exceptions"),
    "😅": ("sweatsmile", "exceptions"),
}
_EMOJI = re.compile("(" + "|".join(map(re.escape, EMOJI)) + ")\ufe0f?")
# A row of pills is a quantity of them, as "30 pills" is ("took 💊💊💊💊", "💊💊💊💊 ready for tonight").
PILL_ROW = 3
_PILL_ROW = re.compile(f"(?:💊\ufe0f?){{{PILL_ROW},}}")
ROW_WORD = "emojirow"  # a word no language writes


def _emoji_word(emoji: str) -> str:
    return "emoji" + EMOJI[emoji][0]  # a word no language writes


_UNSPACED_CHARS = "[\u2e80-\u9fff\uac00-\ud7af\u1100-\u11ff\u0e00-\u0e7f]"  # Chinese, Japanese, Korean, Thai
_UNSPACED = re.compile(_UNSPACED_CHARS)
_NAMES_DANGER = frozenset({*ALONE, "harm"})  # the lists whose items alone name danger
_HANGUL = re.compile("[\uac00-\ud7af\u1100-\u11ff]+")
_ARABIC_LETTER = re.compile("[\u0600-\u06ff]")
_SCRIPT_EDGE = re.compile(f"(?<={_UNSPACED_CHARS})(?=[a-z0-9])|(?<=[a-z0-9])(?={_UNSPACED_CHARS})")


def unspaced(text: str) -> bool:
    """Written without spaces between words (Chinese, Japanese, Thai) or with words glued to particles (Korean)."""
    return _UNSPACED.search(text) is not None


# Russian written in Latin letters ("ya hochu umeret'", "pokonchu s soboj"): every Cyrillic item is also
# kept in one Latin spelling, and a message in Latin letters is read in that same spelling, whichever of
# the usual schemes the sender used (kh or h for х, j or y for й, ja or ya for я, an apostrophe or
# nothing for ь).
_CYRILLIC_LATIN = str.maketrans(
    {
        **dict(zip("абвгдезийклмнопрстуфхцыэ", "abvgdeziiklmnoprstufhcye", strict=True)),
        **dict(pair.split(":") for pair in "ё:e ж:zh ч:ch ш:sh щ:sh ю:yu я:ya ъ: ь:".split()),  # noqa: SIM905
    }
)
_LATIN_SCHEMES = re.compile(r"shch|sch|kh|tz|ts|^ye|[ij]a|[ij]u|[jy]o|(?<=[aeiouy])y(?![aeiou])|j")
_ONE_SPELLING = {"shch": "sh", "sch": "sh", "kh": "h", "tz": "c", "ts": "c", "ye": "e", "jo": "e", "yo": "e", "y": "i"}


@functools.lru_cache(maxsize=4096)  # most words repeat; bounded, like the typo cache
def russian_latin(word: str) -> str:
    """One Latin spelling for a Russian word written in Cyrillic or in any usual Latin scheme."""
    if not word.isascii():
        return word.translate(_CYRILLIC_LATIN)
    return _LATIN_SCHEMES.sub(_latin_spelling, word)


def _latin_spelling(match: re.Match) -> str:
    found = match.group()
    if found in _ONE_SPELLING:
        return _ONE_SPELLING[found]
    if len(found) == 2:  # ia, ja -> ya; iu, ju -> yu
        return "y" + found[1]
    return "i"  # j


def _cyrillic(text: str) -> bool:
    return any("\u0400" <= c <= "\u04ff" for c in text)


# Latin letters that look like Cyrillic ones (case-folded), typed among Cyrillic letters in one word by a keyboard
# switched mid-word or to slip past a filter: "yмepeть" is "умереть".
_LOOKALIKES = str.maketrans("aceopxykmthb", "асеорхукмтнв")
_LATIN_LETTER = re.compile("[a-z]")


def in_word(text: str) -> bool:
    """Arabic glues prefixes (و ف ب ل ال س) to words: its items are found inside words."""
    return _ARABIC_LETTER.search(text) is not None


@functools.lru_cache(maxsize=65_536)
def fold(text: str) -> str:
    """Case-folded, Latin accents and tone marks dropped (đ, Turkish ı, œ and the other ``LETTER_FOLDS`` as typed
    without them), Arabic short vowels dropped."""
    if text.isascii():  # nothing to drop
        return text
    out = []
    latin = False
    for char in unicodedata.normalize("NFD", text):
        category = unicodedata.category(char)
        if category[0] == "M":
            if latin or "\u064b" <= char <= "\u065f" or char == "\u0670":
                continue
            out.append(char)
            continue
        latin = char < "\u0250" or "\u1e00" <= char <= "\u1eff"
        out.append(char)
    return unicodedata.normalize("NFC", "".join(out)).translate(LETTER_FOLDS)


_ARABIC = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ؤ": "و", "ئ": "ي", "ى": "ي", "ة": "ه", "ـ": None})


def arabic_fold(text: str) -> str:
    """Arabic as people type it either way: hamza seats, alif maqsura, taa marbuta and tatweel folded."""
    return text.translate(_ARABIC)


class _Scanner:
    """Every item found anywhere in a text, in one pass over it (Aho-Corasick, pyahocorasick's automaton): items
    of scripts written without spaces, and Arabic ones, which may be glued to other words."""

    def __init__(self, unit: str):
        self.unit = unit
        self._owners: dict[str, list[tuple[str, str]]] = {}  # item -> (locale, concept), in order, until built
        self._whole: set[str] = set()  # items found only as a whole word (``add_word``), until built
        self._automaton = ahocorasick.Automaton()

    def __bool__(self) -> bool:
        """Whether the automaton is built and holds any item."""
        return self._automaton.kind == ahocorasick.AHOCORASICK

    def add(self, item: str, locale: str, concept: str) -> None:
        if item:
            self._owners.setdefault(item, []).append((locale, concept))

    def add_word(self, word: str, locale: str, concept: str) -> None:
        """A word in Latin letters, found among the scanned script only as a whole word ("rope" is not in
        "europe")."""
        self.add(word, locale, concept)
        self._whole.add(word)

    def build(self) -> None:
        """The automaton of the items added, each with its length, owners and whether it must be a whole word."""
        for item, owners in self._owners.items():
            self._automaton.add_word(item, (item, len(item), tuple(owners), item in self._whole))
        self._automaton.make_automaton()
        self._owners, self._whole = {}, set()  # held by the automaton now

    def scan(self, text: str) -> list["Hit"]:
        """Every item in ``text``, ordered by where it starts, then ends (as walking a trie from each position)."""
        if not self:
            return []
        unit = self.unit
        hits = [
            Hit(locale, concept, item, last + 1 - size, last + 1, unit)
            for last, (item, size, owners, whole) in self._automaton.iter(text)
            if not whole or _latin_whole(text, last + 1 - size, last + 1)
            for locale, concept in owners
        ]
        hits.sort(key=_span)
        return hits


_NUMBER = re.compile(r"\d+")
ARABIC_COUNT_GAP = 2  # words between the number and the means: "20 من الحبوب" (20 of the pills)


def _arabic_counts(text: str, found: list["Hit"]) -> list["Hit"]:
    """A number of 10 or more with a means found inside Arabic words just after it ("خدت 15 حباية", "بلعت ٢٠ من
    الحبوب"): a quantity, as "30 pills" is, and named apart as COUNT."""
    means = [hit.start for hit in found if hit.concept == "means"]
    counts: list[Hit] = []
    for number in _NUMBER.finditer(text):
        digits, end = number.group(), number.end()
        if len(digits) >= 6 or int(digits) < BIG_NUMBER:
            continue
        for start in means:
            between = text[end:start].split()
            if start > end and len(between) <= ARABIC_COUNT_GAP and not NOT_A_COUNT.intersection(between):
                counts += (Hit("*", concept, digits, number.start(), end, "arabic") for concept in ("quantity", COUNT))
                break
    return counts


def _korean_words(hits: list["Hit"], cleaned: str, characters: str) -> list["Hit"]:
    """Korean is written in words with spaces between them, and Korean items are read with the spaces taken
    out: an item whose letters run from inside one word into the next is not there ("혼자 살아요", I live
    alone, holds no 자살, suicide); a two-letter item begun inside a word is doubted ("혼자살아요", typed
    without its space), as a typo is. Spaced-out letters ("자 살"), each a word of its own, stay read; so do
    longer items, specific enough wherever they are found ("커터칼로 그었어요", cut with a box cutter), and the
    parts of rules other than harm ("털어먹음", downed, holds 먹음, took)."""
    starts, n, spaced = set(), 0, True
    for char in cleaned:
        if char == " ":
            spaced = True
            continue
        if spaced:
            starts.add(n)
        spaced, n = False, n + 1
    kept = []
    for hit in hits:
        if (
            len(hit.item) != 2
            or hit.concept not in _NAMES_DANGER
            or hit.start in starts
            or not _HANGUL.fullmatch(characters[hit.start - 1] + hit.item)
        ):
            kept.append(hit)
        elif hit.start + 1 not in starts:
            kept.append(Hit(hit.locale, hit.concept, hit.item, hit.start, hit.end, hit.unit, glued=True))
    return kept


def _run_together_item(glued: str) -> bool:
    """Whether an item written without its spaces is long enough, and in Latin letters only, to be searched for
    inside words run together."""
    return len(glued) >= RUN_TOGETHER_ITEM and glued.isascii() and glued.isalpha()


def _latin_whole(characters: str, start: int, end: int) -> bool:
    """Whether ``characters[start:end]``, Latin letters among Chinese, Korean or Arabic, is a whole Latin word
    there."""
    before = characters[start - 1 : start]
    after = characters[end : end + 1]
    return not (before.isascii() and before.isalpha()) and not (after.isascii() and after.isalpha())


def _span(hit: "Hit") -> tuple[int, int]:
    return hit.start, hit.end


def marked(text: str) -> str:
    """Case-folded with every mark kept."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFKC", text).casefold())


def _spaced_word(word: str) -> bool:
    """A word of letters in a script written with spaces between words, not inside others (not Arabic)."""
    return word.isalpha() and not unspaced(word) and not in_word(word)


def arabizi_consonants(word: str) -> str:
    """``word`` of Arabic in Latin letters by its consonants: "khalles", "5alles" and "5alas" are "5ls"; "7boob" and
    "7ubub" are "7bb" (a doubled letter once, before the vowels go: "7ob", love, stays "7b")."""
    once = _RUNS.sub(r"\1", word)
    return _ARABIZI_SOUNDS.sub(lambda m: _ARABIZI_SOUND[m.group()], once).translate(_VOWELS)


def squeeze(word: str) -> str:
    """Runs of three or more of a letter become one: "diiiie" -> "die" (a double stays: "odd")."""
    return _REPEATS.sub(r"\1", word) if _REPEATS.search(word) else word


def twice(text: str) -> str:
    """Runs of three or more of a letter become two: "bleeed" -> "bleed", "sooo" -> "soo"."""
    return _REPEATS.sub(r"\1\1", text) if _REPEATS.search(text) else text


class CrisisMatcher:
    """Crisis signals in raw message text, from each language's lists."""

    def __init__(
        self,
        lexicons: dict[str, dict[str, list[str]]],
        marks_matter: Iterable[str] = (),
        drug_names: Iterable[str] = (),
        keywords: Iterable[str] = (),
        digits_for_letters: Iterable[str] = (),
    ):
        """``lexicons``: locale -> list name (LISTS, SPELLINGS) -> items as written by translators.

        ``marks_matter``: locales whose marks change meanings; ``drug_names`` count as means in every
        language; ``keywords`` (MEDS, TERAPIA...) are never read as a typo of a crisis word;
        ``digits_for_letters``: locales also written in Latin letters with digits for letters (Arabic: "7ali"),
        whose Latin items are read by their consonants too.
        """
        marks = self._marks = frozenset(marks_matter)
        self._digits_for_letters = frozenset(digits_for_letters)
        # word tuple -> (locale, concept, capped, the item as text)
        self._words: dict[tuple[str, ...], list[tuple[str, str, bool, str]]] = {}
        self._unspaced = _Scanner("char")  # Chinese and Korean items, matched with spaces removed
        self._in_word = _Scanner("arabic")  # Arabic items, matched anywhere, even inside words
        self._run_together = _Scanner("word")  # phrases in Latin letters without their spaces, inside long words
        self._latin: dict[tuple[str, ...], list[tuple[str, str, bool, str]]] = {}  # Cyrillic items in Latin
        self._arabizi: dict[tuple[str, ...], list[tuple[str, str, bool, str]]] = {}  # Arabizi items, consonants
        written: set[str] = set()  # the words of items as translators wrote them, not respelled as texted
        for locale, lists in lexicons.items():
            spellings = _spelling_pairs([item.translate(_YO) for item in lists.get(SPELLINGS, [])])
            for concept in LISTS:
                for as_written in lists.get(concept, []):
                    item = as_written.translate(_YO)
                    words = _clean(fold(marked(item))).split()
                    written.update(words)
                    for variant in _variants(item, spellings):
                        self._add(locale, concept, variant, locale in marks)
                    glued = "".join(words)
                    if concept in ALONE and locale not in marks and _run_together_item(glued):
                        self._run_together.add(glued, locale, concept)
        named = set()  # the words of the medicines our MEDS topic names
        for name in drug_names:
            named.update(_clean(fold(marked(name))).split())
            self._add("*", "means", name, False)
        for emoji, (_, concept) in EMOJI.items():  # in every language
            self._add("*", concept, _emoji_word(emoji), False)
        self._add("*", "quantity", ROW_WORD, False)
        # Means named in Latin letters inside Chinese, Korean or Arabic ("어제 tylenol 한통 다 삼켰어요", "食咗成排
        # panadol", "شربت علبة xanax كلها"): read with those scripts' items too, so that they meet the parts
        # written around them; as whole Latin words only.
        for name in (*(item for lists in lexicons.values() for item in lists.get("means", ())), *drug_names):
            word = fold(marked(name)).strip()
            if word.isascii() and word.isalpha() and len(word) >= LATIN_AMONG_OTHERS:
                self._unspaced.add_word(word, "*", "means")
                self._in_word.add_word(word, "*", "means")
        self._unspaced.build()
        self._in_word.build()
        self._run_together.build()
        self._vocabulary = {w for key in self._words for w in key}
        # The word items as a trie of words: a message is read once, following each item as far as it goes.
        self._trie = _word_trie(self._words)
        self._latin_trie = _word_trie(self._latin)
        self._arabizi_trie = _word_trie(self._arabizi)
        self._keywords = {fold(marked(k)) for k in keywords}
        # Most words repeat from message to message: each token's reading is kept, bounded (a flood of made-up
        # words cannot grow it).
        self._readings: dict[str, _Reading] = {}  # by token, emptied when full
        self._read_words = functools.lru_cache(maxsize=REPAIR_CACHE)(self._word_reading)
        self._by_length: dict[int, list[str]] = {}
        for word in self._vocabulary:
            self._by_length.setdefault(len(word), []).append(word)
        # Only words that name danger may be read through a typo ("suicdie"), not "waiting" as "wanting"; and only
        # as written, not a texted respelling ("surge" is one letter from "shurge", itself two from "surge").
        danger = {w for key, owners in self._words.items() if any(o[1] in TYPO_LISTS for o in owners) for w in key}
        danger &= written
        long_words = {w for w in danger if len(w) >= FUZZY_MIN_LETTERS and _spaced_word(w)}
        # One edit changes the length by at most one and leaves the first or the last two letters whole:
        # the words a typo may stand for are found by length and head, or length and tail (a few each).
        near: dict[tuple[str, int, str], list[str]] = {}
        for word in sorted(long_words):
            near.setdefault(("head", len(word), word[:2]), []).append(word)
            near.setdefault(("tail", len(word), word[-2:]), []).append(word)
        self._near = {key: tuple(words) for key, words in near.items()}
        # Long words of danger and means, as written in our lists, split as speech recognition splits a word it
        # does not know, or as a sender types it: "over dose", "sero quel", "ami triptyline". Found by their first
        # part.
        self._whole = {
            w
            for key, owners in self._words.items()
            if len(key) == 1 and any(o[1] in SPLIT_LISTS for o in owners)
            for w in key
            if len(w) >= SPLIT_MIN and (w in written or w in named) and _spaced_word(w)
        }
        self._heads = frozenset(w[:i] for w in self._whole for i in range(SPLIT_PART, len(w) - SPLIT_PART + 1))

    @classmethod
    def shared(
        cls,
        lexicons: dict[str, dict[str, list[str]]],
        marks_matter: Iterable[str] = (),
        drug_names: Iterable[str] = (),
        keywords: Iterable[str] = (),
        digits_for_letters: Iterable[str] = (),
    ) -> "CrisisMatcher":
        """The matcher for these lists, built once per process (a second or two of work): every app and
        every reload with the same lists share it; a changed list builds a new one."""
        frozen = tuple(
            (locale, tuple((name, tuple(items)) for name, items in sorted(lists.items())))
            for locale, lists in sorted(lexicons.items())
        )
        return _shared_matcher(
            frozen, frozenset(marks_matter), frozenset(drug_names), frozenset(keywords), frozenset(digits_for_letters)
        )

    def _add(self, locale: str, concept: str, item: str, marks_matter: bool) -> None:
        text = marked(item).strip()
        if not text:
            return
        folded = fold(text)
        forms = [(folded, False)] if not marks_matter or folded == text else [(text, False), (folded, True)]
        for form, capped in forms:
            if unspaced(form):
                self._unspaced.add(_clean(form).replace(" ", "").translate(simplified()), locale, concept)
                continue
            if in_word(form):
                self._in_word.add(arabic_fold(_clean(form)), locale, concept)
                continue
            words = tuple(_clean(form).split())
            if not words:
                continue
            if locale in self._digits_for_letters and concept != "exceptions" and form.isascii():
                # Each word whole ("a5alas", not split at its digit as above), by its consonants; items of two words
                # or more, or single words of a part that fires only with others (ARABIZI_ONE_WORD): one word of danger
                # so read says too little ("intihar", suicide, and "anta7er", I kill myself, are both "nt7r").
                # Exceptions only soften: a guessed one would soften what it does not say.
                consonants = tuple(arabizi_consonants(_clean(w).replace(" ", "")) for w in form.split())
                read_so = len(consonants) > 1 or concept in ARABIZI_ONE_WORD
                if read_so and all(consonants) and len("".join(consonants)) >= ARABIZI_CONSONANTS_MIN:
                    self._arabizi.setdefault(consonants, []).append((locale, concept, False, " ".join(words)))
            if _cyrillic(form):
                latin = tuple(russian_latin(w) for w in words)
                if all(latin) and latin != words:
                    self._latin.setdefault(latin, []).append((locale, concept, False, " ".join(latin)))
            keys = [words]
            if len(words) > 1 and concept in ("phrases", "passive", "slang") and len("".join(words)) >= JOINED_MIN:
                keys.append(("".join(words),))  # run together: "killmyself", "wannadie" (not "ma ts" as "mats")
            for key in keys:
                self._words.setdefault(key, []).append((locale, concept, capped, " ".join(key)))

    # -- matching -------------------------------------------------------------------------------

    def detect(self, text: str) -> Signal | None:
        """The strongest signal in ``text``, or None; read again with its Telex keys as Vietnamese marks where it
        reads as Telex typed with the keyboard off ("tooi muoons cheets")."""
        signal = self._detect(text)
        if (signal is not None and signal.tier == CONFIDENT) or (typed := untelex(text)) is None:
            return signal
        again = self._detect(typed)
        if again is None or (signal is not None and again.tier == SOFT):
            return signal
        return Signal(again.tier, f"{again.rule} (Telex keys read as marks)", again.locales)

    def _detect(self, text: str) -> Signal | None:
        hits, words = self._hits(text)
        anchors = FRAGMENT_ANCHORS if words <= FRAGMENT else ANCHORS
        anchored = {hit.locale for hit in hits if hit.concept in anchors}  # every rule needs one of these
        if not anchored:
            return None
        by_locale: dict[str, list[Hit]] = {}
        for hit in hits:
            by_locale.setdefault(hit.locale, []).append(hit)
        shared = by_locale.pop("*", [])
        found: dict[str, tuple[str, str]] = {}
        for locale, own in sorted(by_locale.items()):
            if locale not in anchored and "*" not in anchored:
                continue
            verdict = _judge(locale, own + shared, words)
            if verdict is None:
                continue
            tier, matches = verdict
            if tier == SOFT:
                found[locale] = (SOFT, matches[0][0])
                continue
            # An exception in any language ("suicide PREVENTION") softens a confident match, never silences it;
            # a match whose own words hold the exception ("jump IN front of") is not softened by it. A match
            # in a language whose marks matter is not softened by reading its marked words without them:
            # German SONG is not Vietnamese "sống" (live).
            # An exception that holds a whole phrase of its language's lists ("no QUIERO MORIR", "take my life
            # back") negates that phrase, not the others: it softens only a match it overlaps ("no quiero morir
            # pero no quiero vivir así"). Any other exception ("prevention", "lol", "累死", "mort de rire") tells
            # of the whole message and softens every match.
            exceptions = [
                (e, any(_within(h, e) for h in hits if h.concept in ALONE and h.locale in (e.locale, "*")))
                for e in hits
                if e.concept == "exceptions" and not (e.unmarked and locale in self._marks)
            ]
            rule, parts = matches[0]
            excepted = next((e for e, own_words in exceptions if _softens(e, own_words, parts)), None)
            if excepted is not None and (every := _judge(locale, own + shared, words, every=True)):
                # Another match may stand whole.
                whole = (r for r, held in every[1] if not any(_softens(e, o, held) for e, o in exceptions))
                if (other := next(whole, None)) is not None:
                    rule, excepted = other, None
            found[locale] = (SOFT, f"{rule}, but '{excepted.item}' (exception)") if excepted else (CONFIDENT, rule)
        if not found and "*" in anchored:
            # Emoji that name danger and no language's words to read them with ("⚰️", "🪦 soon"): the weaker tier.
            verdict = _judge("*", shared, words)
            return Signal(SOFT, verdict[1][0][0], frozenset()) if verdict else None
        if not found:
            return None
        tier = CONFIDENT if any(t == CONFIDENT for t, _ in found.values()) else SOFT
        if len(found) == 1:
            ((locale, (_, rule)),) = found.items()
            return Signal(tier, rule, frozenset((locale,)))
        # The languages whose words explain the message best: most of its words covered, the rest left out.
        words_found = {
            loc: len({(n, h.unit) for h in by_locale[loc] for n in range(h.start, h.end)})
            for loc, (t, _) in found.items()
            if t == tier
        }
        most = max(words_found.values())
        locales = frozenset(loc for loc, n in words_found.items() if n == most)
        return Signal(tier, found[sorted(locales)[0]][1], locales)

    def _hits(self, text: str) -> tuple[list[Hit], int]:
        """What our lists find in ``text``, and how many words it has (Chinese: two characters a word)."""
        raw = marked(text[:2000])
        hits: list[Hit] = []
        characters = None  # the text without spaces, in scripts written without them
        if not raw.isascii():
            raw = raw.replace("ё", "е")  # case-folded already: no Ё left
            if unspaced(raw):
                cleaned = _clean(raw)
                characters = cleaned.replace(" ", "").translate(simplified())
                found = self._unspaced.scan(characters)
                hits += _korean_words(found, cleaned, characters) if found and _HANGUL.search(cleaned) else found
                raw = _SCRIPT_EDGE.sub(" ", raw)  # "我想kill myself": the Latin words apart, to be read as words
            if self._in_word and in_word(raw):
                scanned = arabic_fold(_clean(fold(raw)))
                found = self._in_word.scan(scanned)
                hits += found
                if found and _DIGIT.search(scanned):  # "خدت 15 حباية" (I took 15 pills)
                    hits += _arabic_counts(scanned, found)
        if not raw.isascii() and _EMOJI.search(raw):
            raw = _EMOJI.sub(lambda m: f" {_emoji_word(m.group(1))} ", _PILL_ROW.sub(rf" {ROW_WORD} \g<0>", raw))
        columns, readings = self._words_of(raw)
        tokens, folded, latin, tokens_guessed, folded_guessed = columns[:5]
        tokens_start, folded_start, latin_start, numbers = columns[5:]
        counts = any(numbers)
        for variant, guessed, begins in (
            ((tokens, tokens_guessed, tokens_start), (folded, folded_guessed, folded_start))
            if folded != tokens
            else ((tokens, tokens_guessed, tokens_start),)
        ):
            length = len(variant)
            unmarked = variant is folded and variant is not tokens
            guesses = any(guessed)
            for n in range(length):
                if counts and numbers[n] and self._means_follows(variant, n):
                    hits.append(Hit("*", "quantity", variant[n], n, n + 1, "word"))
                    hits.append(Hit("*", COUNT, variant[n], n, n + 1, "word"))  # "30 pills"
                node = begins[n]
                end = n + 1
                while node is not None:
                    # The folded words find again what the written ones found where folding changed none.
                    owners = node.owners
                    if owners is not None and (not unmarked or tokens[n:end] != folded[n:end]):
                        guess = guesses and any(guessed[n:end])
                        # A four-letter word read as a longer one of ours only inside a phrase: "odin" is not ODING.
                        if not (guess and end == n + 1 and guessed[n] == SHORT_GUESS):
                            for locale, concept, capped, item in owners:
                                # Without its marks only where the sender wrote none: "từ từ" is not "tự tử".
                                if not (capped and unmarked):
                                    hits.append(Hit(locale, concept, item, n, end, "word", capped, unmarked, guess))
                    node = node.next.get(variant[end]) if end < length else None
                    end += 1
        for n, word in enumerate(folded):  # "thisismylastmsg"
            if len(word) >= RUN_TOGETHER_WORD and word not in self._vocabulary and word.isascii():
                for hit in self._run_together.scan(word):
                    hits.append(Hit(hit.locale, hit.concept, hit.item, n, n + 1, "word", glued=True))
        if any(latin_start):
            for n, end, owners in _walk(latin_start, latin):  # "ya hochu umeret'"
                guess = any(tokens_guessed[n:end])
                if guess and end == n + 1 and tokens_guessed[n] == SHORT_GUESS:
                    continue
                hits += (
                    Hit(locale, concept, item, n, end, "word", guessed=guess) for locale, concept, _, item in owners
                )
        if any(r.consonants_start for r in readings) and arabizi_words(raw):  # "5ayye bdo ykhalles 3ala 7alo"
            hits += self._arabizi_hits(readings, folded)
        return hits, len(tokens) if characters is None else len(characters) // 2

    def _arabizi_hits(self, readings: list[_Reading], folded: tuple[str, ...]) -> list[Hit]:
        """Items of Arabic in Latin letters found by their consonants, token by token, where they were not found as
        written: each a guess ("read as a typo"), which makes only the weaker tier but in a message of a few words."""
        hits = []
        firsts = [0, *itertools.accumulate(len(r.forms) for r in readings)]  # each token's first word
        consonants = [r.consonants for r in readings]
        for t, after, owners in _walk([r.consonants_start for r in readings], consonants):
            start, end = firsts[t], firsts[after]
            for locale, concept, _, item in owners:
                if item != " ".join(folded[start:end]):
                    hits.append(Hit(locale, concept, item, start, end, "word", guessed=True))
        return hits

    def _means_follows(self, words: tuple[str, ...], n: int) -> bool:
        """Whether a means (pills, a drug) is among the two words after position ``n``."""
        if n + 1 < len(words) and fold(words[n + 1]) in NOT_A_COUNT:
            return False
        for m in (n + 1, n + 2):
            node = self._trie.get(words[m]) if m < len(words) else None
            for end in range(m + 1, len(words) + 1):
                if node is None:
                    break
                if node.owners is not None and any(concept == "means" for _, concept, _, _ in node.owners):
                    return True
                node = node.next.get(words[end]) if end < len(words) else None
        return False

    def _words_of(self, raw: str) -> tuple[Columns, list[_Reading]]:
        """The message's words with texting habits undone: as written (marks kept), folded, and read as
        Russian in Latin letters ("" for a word not in Latin letters); then for the first two, whether each
        word is a guess; and each token's reading."""
        tokens = raw.split()
        if len(tokens) > 1 and not self._heads.isdisjoint(tokens):
            tokens = self._join_split(tokens)
        readings = [self._read_token(token) for token in tokens]
        if sum(r.single_letters for r in readings) >= 3:  # "s u i c i d e"
            words = [word for r in readings for word in r.words]
            if len(spelled := self._join_spelled(words)) < len(words):
                readings = [self._read_words((word,)) for word in spelled]
        forms: list[Form] = []
        for r in readings:
            forms.extend(r.forms)  # as they are: compiled, a form taken out one by one is unpacked and packed again
        columns = tuple(zip(*forms, strict=False)) if forms else ((),) * 9
        return cast(Columns, columns), readings

    def _read_token(self, token: str) -> _Reading:
        """What ``token`` stands for: kept, as most words repeat from message to message (a plain dictionary, read
        faster than a cache of functools; emptied when full, so that a flood of made-up words cannot grow it)."""
        reading = self._readings.get(token)
        if reading is None:
            if len(self._readings) >= REPAIR_CACHE:
                self._readings.clear()
            reading = self._readings[token] = self._read_words(self._split_token(token))
        return reading

    def _word_reading(self, words: tuple[str, ...]) -> _Reading:
        """Words as repaired (marks kept), folded and repaired, and in Russian Latin."""
        forms = []
        for word in words:
            written = self._repair(word) if word.isascii() else word
            folded = written if written.isascii() else self._repair(fold(written))
            latin = russian_latin(written) if written.isascii() else ""
            starts = self._trie.get(written), self._trie.get(folded), self._latin_trie.get(latin)
            number = written.isdigit() and len(written) < 6 and int(written) >= BIG_NUMBER
            guesses: tuple[int, int] = _guess(word, written), _guess(fold(word), folded)
            if len(word) < FUZZY_MIN_LETTERS:  # a four-letter word read as a five-letter one of ours
                guesses = (guesses[0] and SHORT_GUESS, guesses[1] and SHORT_GUESS)
            forms.append((written, folded, latin, *guesses, *starts, number))
        glued = "".join(words)
        consonants = arabizi_consonants(fold(glued)) if self._arabizi_trie and glued.isascii() else ""
        start = self._arabizi_trie.get(consonants) if consonants else None
        return _Reading(tuple(forms), words, sum(len(word) == 1 for word in words), consonants, start)

    def _split_token(self, token: str) -> tuple[str, ...]:
        """One token as the words it stands for: punctuation off, "od'd" as "oded", leet read as letters, Latin
        letters that look Cyrillic read as Cyrillic among Cyrillic ones ("yмepeть")."""
        if not token.isascii() and _cyrillic(token) and _LATIN_LETTER.search(token):
            token = token.translate(_LOOKALIKES)
        if token.isalpha():  # most words: nothing to undo
            return (token,)
        token = _strip_edges(token)
        token = _CONTRACTED.sub(r"\1ed", token)  # "od'd" is "oded", not "odd"
        if not token:
            return ()
        if any(c in _LEET_CHARS for c in token) and any(c.isalpha() for c in token) and not _ARABIZI.search(token):
            token = self._unleet(token)  # "k1ll", "m4t4r"; "7ab", "a5las" (Arabizi) stay as they are
        elif "3" in token and not all(w in self._vocabulary for w in _clean(token).split()):
            token = self._unleet(token)  # "su1c1d3"; "3ayez" (Arabizi again) stays
        return tuple(_clean(token).split())

    def _unleet(self, token: str) -> str:
        """ "k*ll" -> "kill", "su1c1de" -> "suicide", "суи*ид" -> "суицид": digits and symbols read as letters."""
        table = _LEET if not any("\u0400" <= c <= "\u04ff" for c in token) else _LEET_CYRILLIC
        decoded = token.translate(table)
        if decoded in self._vocabulary:  # exactly a word of our lists: "a5las" (Arabizi) is not "aslas" mistyped
            return decoded
        if "*" in decoded:  # a hidden letter: the word of our lists that fits
            pattern = re.compile(re.escape(decoded).replace(r"\*", "."))
            found = sorted(w for w in self._by_length.get(len(decoded), ()) if pattern.fullmatch(w))
            if found:
                return found[0]
        return token

    def _join_spelled(self, tokens: list[str]) -> list[str]:
        """ "s u i c i d e" -> "suicide": a run of single letters is one word when it spells one we know, or is long
        enough to be read as words run together ("d e s s a v e z e u n a o f a l h o")."""
        out: list[str] = []
        n = 0
        while n < len(tokens):
            m = n
            while m < len(tokens) and len(tokens[m]) == 1 and tokens[m].isalpha():
                m += 1
            if m - n >= 3:
                word = "".join(tokens[n:m])
                if len(word) >= RUN_TOGETHER_WORD or self._repair(word) in self._vocabulary:
                    out.append(word)
                    n = m
                    continue
            out.append(tokens[n])
            n += 1
        return out

    def _join_split(self, tokens: list[str]) -> list[str]:
        """ "over dose" -> "overdose": two or three words that make a long word of our lists, as that word, unless
        they are an item of their own. Read as written, before any typo is undone ("sero quel" is not "spero")."""
        out: list[str] = []
        n = 0
        while n < len(tokens):
            word, size = tokens[n], 1
            if word in self._heads:
                for k in (2, 3):
                    parts = (word, *map(_strip_edges, tokens[n + 1 : n + k]))
                    joined = "".join(parts)
                    if (
                        len(parts) == k
                        and joined in self._whole
                        and min(map(len, parts)) >= SPLIT_PART
                        and parts not in self._words  # "self harm" is an item of its own
                    ):
                        word, size = joined, k
                        break
                    if joined not in self._heads:  # no third part can make a word of it
                        break
            out.append(word)
            n += size
        return out

    def _repair(self, word: str) -> str:
        """A word we know for ``word``: as it is, less repeated letters, less a doubled letter, or one typo away."""
        if word in self._vocabulary or word in self._keywords or not word.isalpha():
            return word
        if _REPEATS.search(word):  # "bleeed" -> "bleed", "diiie" -> "die"
            for doubled in (twice(word), squeeze(word)):
                if doubled in self._vocabulary:
                    return doubled
        squeezed = squeeze(word)
        for match in _DOUBLES.finditer(squeezed):
            undone = squeezed[: match.start()] + squeezed[match.start() + 1 :]
            if len(undone) >= 3 and undone in self._vocabulary:
                return undone
        return self._typo(squeezed) or squeezed

    def _typo(self, word: str) -> str | None:
        """The long word of our lists one edit (insertion, deletion, change, swap) from ``word``."""
        size = len(word)
        if size < FUZZY_MIN_LETTERS - 1:
            return None
        found: set[str] = set()
        for length in (size - 1, size, size + 1):
            found.update(self._near.get(("head", length, word[:2]), ()))
            found.update(self._near.get(("tail", length, word[-2:]), ()))
        # A changed letter turns everyday words into crisis words ("suerte" -> "muerte", "short" -> "shoot"):
        # only long words may have one; a missing, extra or swapped letter is forgiven from five letters.
        near = sorted(  # a letter left out is the likeliest typo: longer words first, then in order
            (
                c
                for c in found
                if c[0] == word[0]  # a typo seldom touches the first letter: "changed" is not "hanged"
                and one_edit(word, c)
                and (len(c) != len(word) or len(c) >= SUBSTITUTION_MIN or sorted(c) == sorted(word))
            ),
            key=lambda c: (len(word) - len(c), c),
        )
        return near[0] if near else None


@functools.lru_cache(maxsize=2)  # the lists serving, and the ones before a reload
def _shared_matcher(
    lexicons: tuple, marks: frozenset, drugs: frozenset, keywords: frozenset, digits: frozenset
) -> CrisisMatcher:
    lists = {locale: {name: list(items) for name, items in named} for locale, named in lexicons}
    return CrisisMatcher(lists, marks, sorted(drugs), sorted(keywords), sorted(digits))


# Rules of parts meeting within a window: the first part anchors; each other part is
# (concept, where it stands from the anchor: "before", "after" or "any").
CONFIDENT_RULES: tuple[tuple, ...] = (
    ("harm", ("self", "before"), ("intent", "any")),  # I want to die; I'm going to jump
    ("harm", ("means", "any"), ("intent", "before")),  # going to jump off the bridge
    ("means", ("prepared", "any"), ("self", "any")),  # I have the pills ready
    ("means", ("prepared", "any"), ("quantity", "any")),  # all my bupropion counted out
    ("took", ("quantity", "any"), ("means", "any")),  # took all my pills; 把药全吞了
)
SOFT_RULES: tuple[tuple, ...] = (
    ("took", ("quantity", "after")),  # took everything
    ("harm", (COUNT, "any"), ("means", "any")),  # can you die from 50 sertraline
)
SHORT_MESSAGE = 3  # a message of this few words that is a harm word ("suicide", "s u i c i d e") is confident
FRAGMENT = 5  # in a message of this few words, a quantity of a means is a dose taken: "all the lithium. sorry"
# and a means made ready is one being prepared: "rope's ready", "got the pills ready"
FRAGMENT_SOFT_RULES: tuple[tuple, ...] = (*SOFT_RULES, ("quantity", ("means", "after")), ("means", ("prepared", "any")))
FRAGMENT_ANCHORS = ANCHORS | {"quantity"}


def _judge(
    locale: str, hits: list[Hit], words: int, every: bool = False
) -> tuple[str, list[tuple[str, tuple[Hit, ...]]]] | None:
    """The tier for one language's hits and its matches, best first: for a confident tier, the first rule
    that fires and the hits it stands on (``every``: each rule that fires); for a soft tier, the one rule.
    None when nothing fires."""
    by: dict[str, list[Hit]] = {}
    for hit in hits:
        by.setdefault(hit.concept, []).append(hit)
    short = words <= SHORT_MESSAGE
    confident: list[tuple[str, tuple[Hit, ...]]] = []
    soft: str | None = None
    for concept, tier in ALONE.items():
        for hit in by.get(concept, ()):
            doubt = _doubt((hit,), short)
            if tier == CONFIDENT and not doubt:
                confident.append((f"{locale}: {concept} '{hit.item}'", (hit,)))
            elif soft is None:
                soft = f"{locale}: {concept} '{hit.item}'{doubt}"
    for combination in CONFIDENT_RULES:
        if confident and not every:
            break
        parts = _meet(by, combination)
        if parts is None:
            continue
        doubt = _doubt(parts, short)
        if not doubt:
            confident.append((_name(locale, parts), parts))
        elif soft is None:
            soft = _name(locale, parts) + doubt
    if not confident and short:
        for hit in by.get("harm", ()):
            if len(hit.item.replace(" ", "")) < (2 if hit.unit == "char" else 4):
                continue
            if doubt := _doubt((hit,), short):  # "tu tu": tự tử (suicide) or từ từ (slowly), written without marks
                soft = soft or f"{locale}: harm '{hit.item}' alone{doubt}"
                continue
            confident.append((f"{locale}: harm '{hit.item}' alone", (hit,)))
            break
    if confident:
        return CONFIDENT, confident
    if soft is None:
        for combination in FRAGMENT_SOFT_RULES if words <= FRAGMENT else SOFT_RULES:
            parts = _meet(by, combination)
            if parts:
                soft = _name(locale, parts)
                break
    return (SOFT, [(soft, ())]) if soft else None


def _doubt(parts: tuple[Hit, ...], short: bool) -> str:
    """Why hits that would make a confident match make only a soft one, or "" when nothing doubts them. A word
    read as a typo of ours is trusted in a message of a few words ("suicde", "kill myslef"), not in a longer
    one, where it is more often an everyday word one letter away ("splitting my pills", "хочу отправиться")."""
    if any(p.capped for p in parts):
        return " (without its marks)"
    if any(p.glued for p in parts):
        return " (inside a longer word)"
    if not short and any(p.guessed for p in parts):
        return " (read as a typo)"
    return ""


def _guess(word: str, read: str) -> bool:
    """Whether ``read`` is a guess at ``word``: more than its runs of a letter cut to two or to one, or than
    a doubled letter undone in a long word ("matarr" is emphasis; "deed" read as "ded" is another word)."""
    s = squeeze(word)
    if read in (word, s, twice(word)):
        return False
    undoubled = any(s[i] == s[i + 1] and s[:i] + s[i + 1 :] == read for i in range(len(s) - 1))
    return not (undoubled and len(read) >= FUZZY_MIN_LETTERS)


def _softens(exception: Hit, negates: bool, parts: tuple[Hit, ...]) -> bool:
    """Whether ``exception`` moves the match on ``parts`` to the weaker tier: outside the match's own words, and,
    when it ``negates`` a phrase of its own, overlapping the match."""
    if not _outside(exception, parts):
        return False
    return not negates or any(_overlap(exception, p) for p in parts)


def _overlap(a: Hit, b: Hit) -> bool:
    return a.unit == b.unit and a.start < b.end and b.start < a.end


def _outside(exception: Hit, parts: tuple[Hit, ...]) -> bool:
    """An exception counts unless it lies within the very words of the match ("sống" is not "song")."""
    return not any(_within(exception, p) for p in parts)


def _within(inner: Hit, outer: Hit) -> bool:
    """Whether ``inner`` was found in the same text as ``outer`` and within its span."""
    return inner.unit == outer.unit and outer.start <= inner.start and inner.end <= outer.end


def _meet(by: dict[str, list[Hit]], rule: tuple) -> tuple[Hit, ...] | None:
    """The first hits that satisfy ``rule`` within the window, or None."""
    anchors = by.get(rule[0])
    if not anchors:
        return None
    for anchor in anchors:
        chosen = [anchor]
        for concept, side in rule[1:]:
            found = next((h for h in by.get(concept, ()) if _joins(h, chosen, side)), None)
            if found is None:
                break
            chosen.append(found)
        else:
            return tuple(chosen)
    return None


def _joins(hit: Hit, chosen: list[Hit], side: str) -> bool:
    """Whether ``hit`` may join the parts ``chosen`` so far: another hit than the anchor (the first), on its
    side within the window, neither inside a chosen part's word nor holding one in its own."""
    anchor = chosen[0]
    if hit is anchor or not _placed(anchor, hit, side):
        return False
    return not any(_nested(hit, part) or _nested(part, hit) for part in chosen)


def _nested(inner: Hit, outer: Hit) -> bool:
    """Whether Arabic ``inner`` is found inside the letters of the one word ``outer``: ستين (sixty) inside
    فلوكستين (fluoxetine) is no amount of it. A phrase may hold another part ("الدوا كله", all the medicine:
    a quantity holding the means), and one word may be two parts ("جهزت", I prepared: self and prepared)."""
    return (
        outer.unit == "arabic"
        and " " not in outer.item
        and _within(inner, outer)
        and (inner.start, inner.end) != (outer.start, outer.end)
    )


def _placed(anchor: Hit, other: Hit, side: str) -> bool:
    if anchor.unit != other.unit:
        return False
    reach = WINDOW_WORDS if anchor.unit == "word" else WINDOW_CHARS if anchor.unit == "char" else WINDOW_ARABIC
    if not anchor.start - reach <= other.start <= anchor.end + reach:
        return False
    if side == "before":
        return other.start <= anchor.start
    if side == "after":
        return other.start >= anchor.start
    return True


def _name(locale: str, parts: tuple[Hit, ...]) -> str:
    return f"{locale}: " + " + ".join(f"{h.concept} '{h.item}'" for h in parts)


def _strip_edges(token: str) -> str:
    """Punctuation off both ends of a word, keeping letters, their marks, and a leading * @ $ (k*ll, $uicide)."""
    if token.isalpha():  # most words: nothing to take off
        return token
    start, end = 0, len(token)
    while start < end and token[start] not in "*@$" and unicodedata.category(token[start])[0] in "PSZC":
        start += 1
    while end > start and token[end - 1] != "*" and unicodedata.category(token[end - 1])[0] in "PSZC":
        end -= 1
    return token[start:end]


class _Spacing(dict):
    """Each character as ``_clean`` writes it, worked out the first time it is met: apostrophes and joiners
    inside Indic and Arabic words dropped, punctuation, symbols and spaces as one space (but ``*``, a hidden
    letter), letters, marks and digits as they are. Kept for the characters of the first plane only, so that
    no stream of rare characters can grow it."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        category = unicodedata.category(char)
        if char in "'’`´" or category == "Cf":
            spaced = ""
        elif category[0] in "PSZC" and char != "*":
            spaced = " "
        else:
            spaced = char
        if code < 0x10000:
            self[code] = spaced
        return spaced


_SPACING = _Spacing()
_DIGIT = re.compile(r"\d")
_DIGIT_EDGE = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")


def _clean(text: str) -> str:
    """Punctuation to spaces, apostrophes dropped ("don't" -> "dont") but after an elided article or
    pronoun ("l'arme" -> "l arme", "qu'on"), digits apart from letters."""
    if _PLAIN.fullmatch(text):  # most list items and words: letters and single spaces, nothing to do
        return text
    if "'" in text or "’" in text:
        text = _ELISION.sub(r"\1 ", text)
    spaced = text.translate(_SPACING)
    if _DIGIT.search(spaced):
        spaced = _DIGIT_EDGE.sub(" ", spaced)
    return " ".join(spaced.split())


def _spelling_pairs(items: list[str]) -> dict[str, str]:
    """``["KIERO=QUIERO"]`` -> ``{"quiero": ["kiero"]}`` as word (folded) -> texting spellings (marks kept)."""
    pairs: dict[str, list[str]] = {}
    for item in items:
        spelling, _, word = item.partition("=")
        if spelling.strip() and word.strip():
            pairs.setdefault(fold(marked(word.strip())), []).append(marked(spelling.strip()))
    return pairs  # type: ignore[return-value]


def _walk(starts: Iterable[Node | None], keys: Sequence[str]) -> Iterator[tuple[int, int, list[Owner]]]:
    """Every item of a word trie in ``keys``: (its first position, its end, its owners), from each position's node
    (None: no item begins there)."""
    for n, node in enumerate(starts):
        end = n + 1
        while node is not None:
            if node.owners is not None:
                yield n, end, node.owners
            node = node.next.get(keys[end]) if end < len(keys) else None
            end += 1


def _word_trie(items: dict[tuple[str, ...], list[Owner]]) -> dict[str, Node]:
    """Items keyed by their words as a trie of words: the node of each first word; each item's owners at its
    end, each once (an item may come from several texted forms)."""
    root = Node()
    for key, owners in items.items():
        node = root
        for word in key:
            child = node.next.get(word)
            if child is None:
                child = node.next[word] = Node()
            node = child
        node.owners = list(dict.fromkeys(owners))
    return root.next


def _variants(item: str, spellings) -> list[str]:
    """``item`` and its forms with its words texted as people text them, several at once ("ko mun song"),
    and an elided word also written glued, as texts often have it ("j'ai" and "jai"); in Chinese, texted
    and Cantonese forms inside it ("唔想活" for "不想活", "買咗" for "買了")."""
    if unspaced(item):  # no spaces to find words by: a texted form stands in for its word wherever it is
        variants = [marked(item)]
        for word, texted in spellings.items():
            variants += [v.replace(word, t) for v in variants if word in v for t in texted]
        return variants[: MAX_TEXTED + 1]
    glued = _ELISION.sub(r"\1", item)
    variants = []
    for base in (item, glued) if glued != item else (item,):
        # Marks kept: in a language whose marks matter, a texted form of "em tự tử" is "e tự tử", and only
        # the form without any marks ("e tu tu") is matched as the weaker tier, like the item's own.
        choices = [[word, *spellings.get(fold(word), ())] for word in marked(base).split()]
        texted = itertools.islice(itertools.product(*choices), 1, MAX_TEXTED + 1)  # the first is ``base``
        variants += [base, *(" ".join(combination) for combination in texted)]
    return variants


def one_edit(a: str, b: str) -> bool:
    """At most one insertion, deletion, substitution or swap of neighbours apart."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) < len(b):
        return a[i:] == b[i + 1 :]
    if a[i + 1 :] == b[i + 1 :]:
        return True
    return i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
