"""Fold what people type into one comparable form."""

import functools
import re
import unicodedata

import opencc

# Latin letters whose accents are dropped: "médico" matches "MEDICO",
# "tiếng việt" matches "TIENG VIET". Marks on other scripts (Devanagari vowel
# signs, Korean jamo) carry meaning and are kept.
_LATIN_BASES = re.compile(r"[\u0000-\u024f\u1e00-\u1eff]")
_ARABIC_OPTIONAL = dict.fromkeys(
    [*range(0x064B, 0x0660), 0x0670, 0x0640]  # harakat, superscript alef, tatweel
)
# Letters with no accent to drop, typed as their plain ones where the keyboard has none (shared with crisis.fold).
LETTER_FOLDS = str.maketrans({"đ": "d", "ø": "o", "ł": "l", "ı": "i", "æ": "ae", "œ": "oe"})
_ASCII_PUNCT = str.maketrans(
    {c: " " for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"}
    | {c: " " for c in "\t\n\r\x0b\x0c"}
    | {chr(c): " " for c in range(32) if chr(c) not in "\t\n\r\x0b\x0c"}
    | {"\x7f": " "}
)
_DIGIT_EDGE = re.compile(r"(?<=\D)(?=\d)|(?<=\d)(?=\D)")
_DIGIT = re.compile(r"\d")


def normalize(text: str) -> str:
    """Return ``text`` case-folded, accent-free, punctuation-free, single-spaced.

    Digits are split from letters ("meds2" -> "meds 2") so page numbers can be
    typed without a space, as people do in scripts without spaces.
    """
    if text.isascii():
        folded = text.lower().translate(_ASCII_PUNCT)
    else:  # word by word: whitespace ends whatever a word's letters and marks fold to
        folded = " ".join(_fold_kept(word) if len(word) <= _KEPT_LENGTH else _fold(word) for word in text.split())
    if _DIGIT.search(folded):
        folded = _DIGIT_EDGE.sub(" ", folded)
    return " ".join(folded.split())


@functools.cache
def simplified() -> dict[int, str]:
    """Each traditional Chinese character that OpenCC's t2s writes as one simplified character (樓 -> 楼), for
    str.translate: the crisis check's Chinese items, our Chinese paragraphs and questions, and the messages
    they are looked for in are all read in simplified characters, whichever the translator or the sender
    wrote. Character by character, not phrase by phrase, so that an item and a message holding it are always
    converted alike."""
    converter = opencc.OpenCC("t2s")
    table = {}
    for code in range(0x3400, 0xA000):  # CJK Unified Ideographs and Extension A
        char = chr(code)
        if len(simple := converter.convert(char)) == 1 and simple != char:
            table[code] = simple
    return table


def compact(text: str) -> str:
    """The form a keyword is matched in: normalized, spaces removed ("SELF-CARE" -> "selfcare")."""
    return normalize(text).replace(" ", "")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().translate(LETTER_FOLDS)
    out = []
    base_is_latin = False
    for char in unicodedata.normalize("NFD", text):
        category = unicodedata.category(char)
        if category[0] == "M":
            if base_is_latin or ord(char) in _ARABIC_OPTIONAL:
                continue
            out.append(char)
        elif category[0] in "PSCZ":
            if ord(char) in _ARABIC_OPTIONAL:
                continue
            out.append(" ")
            base_is_latin = False
        elif category == "Nd":
            out.append(str(unicodedata.decimal(char)))
            base_is_latin = False
        else:
            out.append(char)
            base_is_latin = bool(_LATIN_BASES.match(char))
    return unicodedata.normalize("NFC", "".join(out))


_KEPT_LENGTH = 32  # letters: a longer word is folded afresh, so that a hostile message cannot fill the memory
_fold_kept = functools.lru_cache(maxsize=8192)(_fold)  # the words met most recently, per process
