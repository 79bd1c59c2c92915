"""Finding crisis language in a normalized message: exact phrases first, then near misses.

A false alarm costs one extra crisis line; a miss can cost a life. So besides
the exact phrases (whole words, or anywhere in scripts written without
spaces), a message also matches when, after squeezing repeated letters
("diiie" -> "die", "kill" -> "kil"), each long word is at most one edit
(insertion, deletion, substitution or swap of neighbours) from a phrase word
of six letters or more ("suicde", "kil myself", "killmyself"). Words that
belong to a phrase are never "corrected" into another one. Everything is
indexed when the Library is built: a message costs a dictionary read per
word, and about one per letter for a longer word that might be a typo.
"""

import re

FUZZY_MIN_LETTERS = 6  # phrase words at least this long tolerate one edit
_REPEATS = re.compile(r"(.)\1+")


class CrisisMatcher:
    """Locales of the crisis phrases found in a normalized text."""

    def __init__(self, phrases: dict[str, set[str]], keywords=()):
        """``phrases``: normalized phrase -> locales; ``keywords``: words that mean something else
        (MEDS, TERAPIA...), never read as a typo of a crisis word."""
        forms: dict[str, set[str]] = {}
        for phrase, locales in phrases.items():
            forms.setdefault(phrase, set()).update(locales)
            if " " in phrase and fuzzy_script(phrase):
                forms.setdefault(phrase.replace(" ", ""), set()).update(locales)  # "killmyself"
        squeezed: dict[str, set[str]] = {}
        for form, locales in forms.items():
            squeezed.setdefault(squeeze(form), set()).update(locales)
        self._exact = _PhraseIndex(forms)
        self._squeezed = _PhraseIndex(squeezed)
        # Every phrase word long enough to forgive one edit (squeezed), and
        # each of its one-letter deletions, pointing back to the word.
        long_words = {
            word for form in forms if fuzzy_script(form) for word in form.split() if _letters(word) >= FUZZY_MIN_LETTERS
        }
        vocabulary = long_words | {squeeze(word) for word in long_words}
        # Words of the phrases themselves are never "corrected" into others ("morir" is not "mourir").
        self._known = {word for form in (*forms, *squeezed) for word in form.split()} | set(keywords)
        self._deletions: dict[str, set[str]] = {}
        for word in vocabulary:
            for key in (word, *_deletions(word)):
                self._deletions.setdefault(key, set()).add(word)
        # One edit changes the length by at most one and leaves the first or the
        # last few letters whole (see _ends): a cheap test before looking.
        self._heads = {(len(w) + d, w[: _ends(len(w) + d)]) for w in vocabulary for d in (-1, 0, 1)}
        self._tails = {(len(w) + d, w[-_ends(len(w) + d) :]) for w in vocabulary for d in (-1, 0, 1)}

    def locales(self, text: str) -> set[str]:
        """The locales of the first phrase found in ``text``; empty if none."""
        found = self._exact.find(text, text.split())
        if found:
            return found
        squeezed = squeeze(text)
        words = self._corrected(squeezed.split())
        found = self._squeezed.find(" ".join(words), words)
        if not found and squeezed != text:  # "suiide" is "suicide" less a letter, but squeezes to "suide"
            words = [squeeze(word) for word in self._corrected(text.split())]
            found = self._squeezed.find(" ".join(words), words)
        return found

    def _corrected(self, words: list[str]) -> list[str]:
        for n, word in enumerate(words):
            if len(word) > 3 and word not in self._known:
                near = self._correct(word)
                if near:
                    words[n] = squeeze(near)
        return words

    def _correct(self, word: str) -> str | None:
        """The phrase word one edit from ``word``, if there is one."""
        size = len(word)
        ends = _ends(size)
        if (size, word[:ends]) not in self._heads and (size, word[-ends:]) not in self._tails:
            return None
        deletions = self._deletions
        found = deletions.get(word)  # word lost a letter
        near = [c for c in found if _one_edit(word, c)] if found else []
        for n in range(size):  # word gained or changed a letter
            found = deletions.get(word[:n] + word[n + 1 :])
            if found:
                near.extend(c for c in found if _one_edit(word, c))
        return min(near) if near else None  # the same answer in every process


class _PhraseIndex:
    """Exact phrases: whole words where the script has spaces, anywhere where it has not."""

    def __init__(self, phrases: dict[str, set[str]]):
        self._by_first_word: dict[str, list[tuple[list[str], set[str]]]] = {}
        self._by_first_char: dict[str, list[tuple[str, set[str]]]] = {}
        for phrase in sorted(phrases, key=len, reverse=True):  # longest first
            if spaced(phrase):
                words = phrase.split()
                self._by_first_word.setdefault(words[0], []).append((words, phrases[phrase]))
            else:
                self._by_first_char.setdefault(phrase[0], []).append((phrase, phrases[phrase]))

    def find(self, text: str, words: list[str]) -> set[str]:
        for n, word in enumerate(words):
            for phrase_words, locales in self._by_first_word.get(word, ()):
                if words[n : n + len(phrase_words)] == phrase_words:
                    return locales
        if self._by_first_char and not text.isascii():
            for n, char in enumerate(text):
                for phrase, locales in self._by_first_char.get(char, ()):
                    if text.startswith(phrase, n):
                        return locales
        return set()


def squeeze(text: str) -> str:
    """Runs of one letter become one letter: "diiie" -> "die"."""
    return _REPEATS.sub(_first_of_run, text) if _REPEATS.search(text) else text


def _first_of_run(match: re.Match) -> str:
    return match.group(1)


def spaced(phrase: str) -> bool:
    """Written with spaces between words (Latin, Cyrillic, Hangul...), so matched as whole words."""
    return " " in phrase or phrase.isascii() or _latin(phrase)


def fuzzy_script(phrase: str) -> bool:
    """Written in letters that make words (not Chinese or Japanese characters), so typos are words too."""
    return not any("\u2e80" <= c <= "\ufaff" for c in phrase)


def _latin(text: str) -> bool:
    return all(c < "\u0250" or "\u1e00" <= c <= "\u1eff" for c in text)


def _ends(size: int) -> int:
    """How many letters one edit leaves whole at one end or the other of a word of ``size`` letters."""
    return 3 if size >= 8 else 2 if size >= 5 else 1


def _letters(word: str) -> int:
    return sum(1 for c in word if c.isalpha())


def _deletions(word: str) -> list[str]:
    return [word[:i] + word[i + 1 :] for i in range(len(word))]


def _one_edit(a: str, b: str) -> bool:
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
    if a[i + 1 :] == b[i + 1 :]:  # one letter changed
        return True
    return i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
