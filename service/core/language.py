"""Which of our languages a free text is written in: its script, our catalogs' own words, their letters, the country.

A small naive Bayes model over character 1-4-grams, trained on the served
catalogs themselves (English from the content): it knows exactly our eleven
languages, Haitian Creole included, costs a few megabytes, and follows the
catalogs as translators edit them. Measured against py3langid and lingua on
our own short texts (docs/PERFORMANCE.md): as accurate as py3langid at a
tenth of its memory; lingua has no Haitian Creole.
"""

import functools
import math
import re
import unicodedata
from collections.abc import Iterable
from itertools import repeat

_NONWORD = re.compile(r"(?:\{[^}]*\}|[^\w']|[\d_])+")
MAX_LETTERS = 100  # a message's first letters are enough
WORDS_KEPT = 8192  # the costs of the words met most recently, per process
ALPHA = 0.1  # add-alpha smoothing
SURE = 0.2  # nats per gram the best language must lead by for its letters alone to decide
SHORT = 12  # letters: fewer, and the country decides between close languages
SHORT_MARGIN = 4.0  # nats per gram: how close counts as close, for such short texts
_BITS, _SCALE = 32, 1000
# Arabic written in Latin letters ("Arabizi": "ba3d", "ya3ni", "7ali"), with digits for the letters Latin lacks
# (3 for ع, 7 for ح, 2 for ء, 5 for خ, 9 for ق) inside a word, or opening one before a vowel ("3am" is a time).
ARABIC_SCRIPT = "ARABIC"  # as library.script_of names it: the languages written in it are told from the catalogs
ARABIC_IN_LATIN = "Arabic in Latin letters"  # how such a text was told (its questions cannot be looked up: the menu)
# Russian typed in Latin letters ("vrach khochet dobavit' litiy"): told by words of our catalogs written in the
# Cyrillic script, each spelled in one Latin spelling (crisis.russian_latin), and looked up as those words.
CYRILLIC_SCRIPT = "CYRILLIC"
CYRILLIC_IN_LATIN = "Cyrillic in Latin letters"
SPELLED_MIN = 3  # letters: shorter spellings ("ne", "da", "ya") are words of too many languages
# A letter beyond Latin-1 that only one Latin-script catalog writes, and often (Vietnamese ạ, ư, đ), tells that
# language as a script would: "chào ad ạ" is Vietnamese whatever its words vote. Latin-1 letters are left out:
# Italian, which we do not serve, writes ì and ù too.
OWN_LETTER_MIN = 30
OWN_LETTERS = "its own letters"
# How else a language is told (Library.identify): its script; our catalogs' words in it; its letters; and, for a
# text too short or unclear to tell, the sender's country.
SCRIPT, OUR_WORDS, LETTERS = "script", "our words", "letters"
NO_LETTERS, OUR_WORDS_AND_COUNTRY, LETTERS_AND_COUNTRY = (
    "no letters: country",
    "our words and country",
    "letters and country",
)
TOLD = (SCRIPT, OWN_LETTERS, ARABIC_IN_LATIN, CYRILLIC_IN_LATIN)  # for certain
UNSURE = (NO_LETTERS, OUR_WORDS_AND_COUNTRY, LETTERS_AND_COUNTRY)  # by the country
_ARABIZI = re.compile(r"[a-z][23579][a-z]|\b[357](?!am\b)[aeiou][a-z]")
_ARABIZI_DIGIT = re.compile("[23579]")  # found first: most texts have none, and one pass finds that


def arabizi_words(text: str) -> int:
    """How many words of ``text`` are written as Arabic is in Latin letters."""
    return len(_ARABIZI.findall(text.casefold())) if _ARABIZI_DIGIT.search(text) else 0


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).replace("đ", "d")


def grams(text: str, limit: int | None = MAX_LETTERS) -> list[str]:
    """Character 1-4-grams of the lower-cased words, joined by and padded with single spaces."""
    clean = " " + " ".join(_NONWORD.sub(" ", (text[:limit] if limit else text).lower()).split()) + " "
    if len(clean) < 3:
        return []
    found = list(clean.replace(" ", ""))
    for n in (2, 3, 4):
        found += [clean[i : i + n] for i in range(len(clean) - n + 1)]
    return found


class LanguageModel:
    """Naive Bayes over character n-grams for the languages written in Latin letters."""

    @classmethod
    def shared(cls, texts: dict[str, list[str]]) -> "LanguageModel":
        """The model of these texts, built once per process: every app and reload of the same catalogs
        share it."""
        return _shared_model(tuple((locale, tuple(items)) for locale, items in sorted(texts.items())))

    def __init__(self, texts: dict[str, Iterable[str]]):
        """``texts``: locale -> the texts of its catalog (for English, the content's English)."""
        counts: dict[str, dict[str, int]] = {}
        for locale, items in texts.items():
            found = counts[locale] = {}
            for text in items:
                # As written, and as people type it without accents or tone marks ("xin chao", "informacion").
                for form in {text, _plain(text)}:
                    for gram in grams(form, None):
                        found[gram] = found.get(gram, 0) + 1
        self.locales = tuple(sorted(counts))
        totals = {loc: sum(c.values()) + ALPHA * (len(c) + 1) for loc, c in counts.items()}
        unseen = -math.log(ALPHA / max(totals.values(), default=1.0))

        def pack(costs: Iterable[float]) -> int:
            # Every language's cost in one integer (fixed point, 32 bits each): scoring a text is then one
            # C-level sum over its grams, whatever the number of languages.
            return sum(round(cost * _SCALE) << (_BITS * n) for n, cost in enumerate(costs))

        self._unseen = pack(unseen for _ in self.locales)
        vocabulary = set().union(*counts.values()) if counts else set()
        self._costs = {
            gram: pack(
                -math.log((counts[loc][gram] + ALPHA) / totals[loc]) if gram in counts[loc] else unseen
                for loc in self.locales
            )
            for gram in vocabulary
        }

        # Each word's own grams (" word " padded) summed once and kept: a text then costs one addition a word, plus
        # the three grams that cross each space between two words. The costs are integers, so the sum is exactly
        # that of every gram of the text.
        self._word_cost = functools.lru_cache(maxsize=WORDS_KEPT)(self._padded_cost)

    def _padded_cost(self, word: str) -> int:
        padded = f" {word} "
        found = list(word) + [padded[i : i + n] for n in (2, 3, 4) for i in range(len(padded) - n + 1)]
        return sum(map(self._costs.get, found, repeat(self._unseen)))

    def scores(self, text: str) -> tuple[dict[str, float], int]:
        """Cost per language (negative log-likelihood; lower is likelier) and the number of grams (those of
        ``grams(text)``)."""
        words = _NONWORD.sub(" ", text[:MAX_LETTERS].lower()).split()
        if not words or not self.locales:
            return {}, 0
        total = sum(map(self._word_cost, words))
        clean = " " + " ".join(words) + " "
        crossing: list[str] = []
        start = len(words[0]) + 1
        for word in words[1:]:  # the space between two words at ``start``
            crossing += (clean[start - 1 : start + 2], clean[start - 2 : start + 2], clean[start - 1 : start + 3])
            start += len(word) + 1
        total += sum(map(self._costs.get, crossing, repeat(self._unseen)))
        size = 4 * len(clean) - len(words) - 7  # its letters, then its 2-, 3- and 4-grams
        mask = (1 << _BITS) - 1
        return {loc: ((total >> (_BITS * n)) & mask) / _SCALE for n, loc in enumerate(self.locales)}, size


@functools.lru_cache(maxsize=2)  # the catalogs serving, and the ones before a reload
def _shared_model(texts: tuple[tuple[str, tuple[str, ...]], ...]) -> LanguageModel:
    return LanguageModel(dict(texts))
