"""Vietnamese typed with Telex keys while the Telex keyboard was off.

People who type Vietnamese with the Telex method write each mark as a letter: "oo" for ô, "dd" for đ,
"uw" for ư, and a final s, f, r, x or j for the tones. When the keyboard is switched off (a new phone, a
shared computer, a hurried message) the keys stay as letters: "tooi uoongs heets thuoocs" is "tôi uống
hết thuốc" (I've taken all the pills). ``untelex`` reads such a message back with its marks, so that the
crisis check can read it in Vietnamese, where marks carry meaning ("tự tử" is not "từ từ").
"""

import functools
import re
import unicodedata

# Keys that turn a letter into another letter ("uow" before "ow": người is typed "nguowif").
_LETTERS = (("uow", "ươ"), ("dd", "đ"), ("aa", "â"), ("ee", "ê"), ("oo", "ô"), ("aw", "ă"), ("ow", "ơ"), ("uw", "ư"))
_TONES = {"s": "\u0301", "f": "\u0300", "r": "\u0309", "x": "\u0303", "j": "\u0323"}  # sắc, huyền, hỏi, ngã, nặng
_MODIFIED = "ăâêôơư"
# One Vietnamese syllable: an initial consonant, one to three vowels, a final consonant.
_SYLLABLE = re.compile(
    "(ngh|gh|gi|kh|ng|nh|ph|qu|th|tr|ch|[bcdđghklmnpqrstvx])?([aăâeêioôơuưy]{1,3})(ch|nh|ng|[cmnpt])?"
)
_WORD = re.compile(r"\w+")
MIN_KEYED = 2  # words read back, at least; and at least half of the message's words in Latin letters


@functools.lru_cache(maxsize=10_000)
def syllable(word: str) -> str | None:
    """``word`` (lower case) read as one Vietnamese syllable typed in Telex, or None if it is not one or has
    no key in it."""
    tone = _TONES.get(word[-1]) if len(word) > 1 else None
    base = word[:-1] if tone else word
    for keys, letter in _LETTERS:
        base = base.replace(keys, letter)
    if base == word or not base.isalpha() or (found := _SYLLABLE.fullmatch(base)) is None:
        return None
    if not tone:
        return base
    vowels, start = found.group(2), found.start(2)
    marked = [i for i, vowel in enumerate(vowels) if vowel in _MODIFIED]
    if marked:  # on the letter with a mark of its own: "thuốc", "người"
        at = marked[-1]
    elif found.group(3) or len(vowels) == 3:  # before a final consonant, or the middle of three: "choáng", "ngoài"
        at = len(vowels) - 1 if found.group(3) else 1
    else:  # the first of an open pair: "của", "mỏi"
        at = 0
    at += start
    return unicodedata.normalize("NFC", base[: at + 1] + tone + base[at + 1 :])


def untelex(text: str) -> str | None:
    """``text`` with its Telex keys read as Vietnamese marks, or None if it does not read as Telex."""
    # Keys found in almost every Telex message of a few words (tôi, không, muốn, chết, đi, tự) and in few English
    # ones: most messages are answered by five substring tests.
    if not ("oo" in text or "ee" in text or "aa" in text or "uw" in text or "dd" in text):
        return None
    lowered = text.lower()
    keyed = latin = 0
    for word in _WORD.findall(lowered):
        if word.isascii():
            latin += 1
            keyed += syllable(word) is not None
    if keyed < MIN_KEYED or 2 * keyed < latin:
        return None
    return _WORD.sub(lambda m: (m.group().isascii() and syllable(m.group())) or m.group(), lowered)
