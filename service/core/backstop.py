"""A statistical backstop for the weaker crisis tier: what the rules miss, a small model may still see.

People in danger write in endless ways; the concept rules (crisis.py) name what they find, and this
model only ever adds the weaker tier behind them: the whole crisis reply, then the ordinary answer
(a keyword page or the menu). It is a logistic regression over the message's words, their first
letters (a crude stem), pairs of words, and pairs of characters in scripts written without spaces,
trained by ``textline content train-crisis`` on tests/data/crisis_train (never on the evaluation
sets) and stored in content/crisis_backstop.json. The threshold is chosen at training time for few
false alarms on ordinary texts held out from training.
"""

import math
import re
from dataclasses import dataclass, field
from itertools import repeat

from .crisis import arabic_fold, fold, marked

STEM = 5
KINDS = "wsbcu"  # a feature's first letter: word, stem, pair of words, pair of characters, character
_UNSPACED = re.compile("[\u2e80-\u9fff\uac00-\ud7af]+")
_REPEATS = re.compile(r"(.)\1{2,}")
_WORD = re.compile(r"[^\W_]+")


def _words(text: str) -> tuple[list[str], bool]:
    """The words of ``text`` as the model reads them (folded, no letter more than twice in a row), and
    whether any is in Chinese or Korean characters."""
    folded = fold(marked(text[:600]))
    if folded.isascii():
        unspaced = False
    else:
        folded = arabic_fold(folded)
        unspaced = _UNSPACED.search(folded) is not None
    if _REPEATS.search(folded):
        folded = _REPEATS.sub(r"\1\1", folded)
    return _WORD.findall(folded), unspaced


def features(text: str) -> set[str]:
    """The model's view of a message: words, stems, word pairs; character pairs where there are no spaces."""
    named = zip(KINDS, _parts(text), strict=True)
    return {kind + "_".join(key) if kind == "b" else kind + key for kind, keys in named for key in keys}


def _parts(text: str) -> tuple[set, ...]:
    """The features of ``text`` by kind (KINDS), without their letter: the words, their stems, the pairs
    of neighbouring words, and in Chinese or Korean (a word that starts with their characters) the pairs
    of characters and the characters."""
    words, unspaced = _words(text)
    if not unspaced:  # most messages: each kind is found in one pass, without a loop in Python
        spaced = set(words)
        return spaced, {word[:STEM] for word in spaced}, set(zip(words, words[1:], strict=False)), set(), set()
    found: tuple[set, set, set, set, set] = (set(), set(), set(), set(), set())
    spaced, stems, pairs, chars2, chars = found
    for n, word in enumerate(words):
        if _UNSPACED.match(word):
            chars2.update(word[i : i + 2] for i in range(len(word) - 1))
            chars.update(word)
            continue
        spaced.add(word)
        stems.add(word[:STEM])
        if n + 1 < len(words):
            pairs.add((word, words[n + 1]))
    return found


@dataclass(frozen=True)
class Backstop:
    """Weights by feature, a bias, and the probability at or above which a message is flagged."""

    weights: dict[str, float]
    bias: float
    threshold: float
    # The weights by kind of feature (KINDS), keyed as ``_parts`` finds them: scored without building names.
    _by_kind: tuple[dict, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_kind: tuple[dict, ...] = tuple({} for _ in KINDS)
        for name, weight in self.weights.items():
            kind, key = name[0], name[1:]
            by_kind[KINDS.index(kind)][tuple(key.split("_", 1)) if kind == "b" else key] = weight
        object.__setattr__(self, "_by_kind", by_kind)

    def probability(self, text: str) -> float:
        score = self.bias
        for weights, keys in zip(self._by_kind, _parts(text), strict=True):
            if keys:
                score += sum(map(weights.get, keys, repeat(0.0)))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))

    def flags(self, text: str) -> float | None:
        """The probability of crisis language when it reaches the threshold, else None."""
        p = self.probability(text)
        return p if p >= self.threshold else None
