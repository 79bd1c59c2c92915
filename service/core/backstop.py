"""A statistical backstop for the weaker crisis tier: what the rules miss, a small model may still see.

People in danger write in endless ways; the concept rules (crisis.py) name what they find, and this
model only ever adds the weaker tier behind them: the whole crisis reply, then the ordinary answer
(a keyword page or the menu). It is a logistic regression over the message's words, their first
letters (a crude stem), pairs of words, and pairs of characters in scripts written without spaces,
trained by ``textline content train-crisis`` on tests/data/crisis_train, the development split and
the fresh sets once measured (never on a frozen third; service/training.py) and stored in
content/crisis_backstop.json. The threshold is chosen at training time for few false alarms on
ordinary texts held out from training.
"""

import math
import re
from dataclasses import InitVar, dataclass, field

from .crisis import arabic_fold, fold, marked, russian_latin, twice

STEM = 5
# In fewer words than this (where words are spaced) one everyday word decides: "ya hochu pizza" scored 0.87,
# its "I want" being what so many crisis texts say. Short crisis texts are the rules' to find (their phrases and
# slang); of the crisis texts only the backstop found in 40 fresh sets held out from its training, 1 of 208 was
# this short, and none of its false alarms (docs/PERFORMANCE.md, thirty-fifth session).
# Korean is spaced too: "저는 혼자 살아요" (I live alone) scored 0.66 on its characters.
MIN_WORDS = 4
MEMO = 20_000  # words whose weights are kept at hand, as the crisis check keeps its readings (crisis.REPAIR_CACHE)
KINDS = "wsbcu"  # a feature's kind, the first letter of its name: word, stem, word pair, character pair, character
_UNSPACED = re.compile("[\u2e80-\u9fff\uac00-\ud7af]+")
_HAN = re.compile("[\u2e80-\u9fff]")  # Chinese (and Japanese) characters: a message with no spaces to count
_WORD = re.compile(r"[^\W_]+")


def _folded(text: str) -> tuple[str, bool]:
    """``text`` folded as the model reads it, and whether any of it is in Chinese or Korean characters."""
    folded = fold(marked(text[:600]))
    if folded.isascii():
        return folded, False
    folded = arabic_fold(folded)
    return folded, _UNSPACED.search(folded) is not None


def _word(written: str) -> str:
    """A word as the model reads it: no letter more than twice in a row, and Russian in one Latin spelling, as
    the rules read it (in Latin letters it is rare among the ordinary examples, so read apart from Cyrillic,
    "lekarstva", medicines, would weigh as a crisis word)."""
    return russian_latin(twice(written))


def _words(text: str) -> tuple[list[str], bool]:
    """The words of ``text`` as the model reads them (``_word``), and whether any is in Chinese or Korean
    characters. A run of one letter lies inside one word: read word by word or in the whole text, the same."""
    folded, unspaced = _folded(text)
    return [_word(written) for written in _WORD.findall(folded)], unspaced


def _pairs(words: list[str]) -> set[str]:
    """Each two words in a row, as one feature: "my_pills"."""
    return {words[n] + "_" + words[n + 1] for n in range(len(words) - 1)}


def _kinds(words: list[str], unspaced: bool) -> tuple[set[str], ...]:
    """The model's view of a message's words, by kind (``KINDS``): words, stems, word pairs; where there are no
    spaces, character pairs and characters."""
    if not unspaced:  # most messages: each kind in one pass
        return set(words), {w[:STEM] for w in words}, _pairs(words), set(), set()
    kinds: tuple[set[str], ...] = tuple(set() for _ in KINDS)
    found, stems, pairs, char_pairs, chars = kinds
    for n, word in enumerate(words):
        if _UNSPACED.match(word):
            char_pairs.update(word[i : i + 2] for i in range(len(word) - 1))
            chars.update(word)
            continue
        found.add(word)
        stems.add(word[:STEM])
        if n + 1 < len(words):
            pairs.add(f"{word}_{words[n + 1]}")
    return kinds


def features(text: str) -> set[str]:
    """The model's features of a message, each named by its kind's letter: "wpills", "spills", "bmy_pills"."""
    return {kind + feature for kind, found in zip(KINDS, _kinds(*_words(text)), strict=True) for feature in found}


@dataclass(frozen=True)
class Backstop:
    """Weights by feature, a bias, and the probability at or above which a message is flagged."""

    weights: InitVar[dict[str, float]]
    bias: float
    threshold: float
    _by_kind: tuple[dict[str, float], ...] = field(init=False, repr=False)
    # By each word as written: the word as the model reads it, its weight, its stem and the stem's weight, kept as
    # words come: most words repeat from message to message, and a small table at hand is read faster than the
    # large ones (the check waits on memory, not on arithmetic).
    _memo: dict[str, tuple[str, float, str, float]] = field(init=False, repr=False)

    def __post_init__(self, weights: dict[str, float]) -> None:
        # Kept by kind, each feature without its letter: looked up as the message's words come, with no feature
        # names built (a fifth of the time), and only once in memory.
        by_kind: dict[str, dict[str, float]] = {kind: {} for kind in KINDS}
        for name, weight in weights.items():
            by_kind[name[0]][name[1:]] = weight
        object.__setattr__(self, "_by_kind", tuple(by_kind.values()))
        object.__setattr__(self, "_memo", {})

    def probability(self, text: str) -> float:
        """0.0 for a message too short to judge (``MIN_WORDS``)."""
        folded, unspaced = _folded(text)
        written = _WORD.findall(folded)
        if len(written) < MIN_WORDS and not (unspaced and _HAN.search(text)):
            return 0.0
        total = 0.0
        if unspaced:
            words = [_word(word) for word in written]
            for weights, features in zip(self._by_kind, _kinds(words, unspaced), strict=True):
                for feature in features:
                    total += weights.get(feature, 0.0)
        else:  # most messages
            total = self._spaced(written)
        score = self.bias + total
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))

    def _spaced(self, written: list[str]) -> float:
        """The sum of the weights of the ``written`` words of a spaced message, read as ``_kinds`` reads them:
        each word, stem and pair once."""
        memo = self._memo
        if len(memo) >= MEMO:
            memo.clear()
        found, stems, pairs = self._by_kind[:3]
        total = 0.0
        words: list[str] = []
        seen: set[str] = set()
        stem_weights: dict[str, float] = {}
        for as_written in written:
            known = memo.get(as_written)
            if known is None:
                word = _word(as_written)
                stem = word[:STEM]
                known = memo[as_written] = (word, found.get(word, 0.0), stem, stems.get(stem, 0.0))
            word = known[0]
            words.append(word)
            if word in seen:
                continue
            seen.add(word)
            total += known[1]
            stem_weights[known[2]] = known[3]
        for pair in _pairs(words):
            total += pairs.get(pair, 0.0)
        for weight in stem_weights.values():
            total += weight
        return total

    def flags(self, text: str) -> float | None:
        """The probability of crisis language when it reaches the threshold, else None."""
        p = self.probability(text)
        return p if p >= self.threshold else None
