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
from dataclasses import dataclass
from itertools import repeat

from .crisis import arabic_fold, fold, marked

STEM = 5
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
    words, unspaced = _words(text)
    found: set[str] = set()
    for n, word in enumerate(words):
        if unspaced and _UNSPACED.match(word):
            found.update(f"c{word[i : i + 2]}" for i in range(len(word) - 1))
            found.update(f"u{char}" for char in word)
            continue
        found.add(f"w{word}")
        found.add(f"s{word[:STEM]}")
        if n + 1 < len(words):
            found.add(f"b{word}_{words[n + 1]}")
    return found


@dataclass(frozen=True)
class Backstop:
    """Weights by feature, a bias, and the probability at or above which a message is flagged."""

    weights: dict[str, float]
    bias: float
    threshold: float

    def probability(self, text: str) -> float:
        score = self.bias + sum(map(self.weights.get, features(text), repeat(0.0)))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))

    def flags(self, text: str) -> float | None:
        """The probability of crisis language when it reaches the threshold, else None."""
        p = self.probability(text)
        return p if p >= self.threshold else None
