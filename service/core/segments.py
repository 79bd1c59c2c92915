"""Count SMS segments exactly as carriers bill them (GSM 03.38 and UCS-2)."""

import unicodedata
from dataclasses import dataclass

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")  # each costs an escape septet too

GSM7 = "GSM-7"
UCS2 = "UCS-2"

SINGLE = {GSM7: 160, UCS2: 70}
PART = {GSM7: 153, UCS2: 67}  # a multi-part header takes the rest

# Characters the article uses that have a GSM-7 equivalent a reader
# would accept; swapping them keeps a page at 160/153 instead of 70/67.
_TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2026": "...",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u2022": "-",
    }
)


@dataclass(frozen=True)
class Segmentation:
    encoding: str
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    segments: int


def is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


def segment(text: str) -> Segmentation:
    """Return the encoding, length in units and segment count of one SMS."""
    if is_gsm7(text):
        encoding = GSM7
        costs = [2 if c in GSM7_EXTENSION else 1 for c in text]
    else:
        encoding = UCS2
        costs = [2 if ord(c) > 0xFFFF else 1 for c in text]
    units = sum(costs)
    if units <= SINGLE[encoding]:
        return Segmentation(encoding, units, 1)
    # An escape pair or a surrogate pair is never split across segments.
    segments, used = 1, 0
    for cost in costs:
        if used + cost > PART[encoding]:
            segments, used = segments + 1, 0
        used += cost
    return Segmentation(encoding, units, segments)


# Letters GSM-7 lacks that have no single-letter base, and punctuation typed by phones.
_FOLDS = {"œ": "oe", "Œ": "OE", "ß": "ß", "«": '"', "»": '"', "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i"}


def gsm_fold(text: str) -> str:
    """``text`` in GSM-7 where folding letters to their nearest GSM-7 letter gets it there
    (á -> a, ç -> c, ê -> e; é, ñ, ü, à, è, ì, ò, ù, ¿ and ¡ are GSM-7 and stay), as RapidPro
    does; otherwise ``text`` as it was: one letter that cannot fold keeps the whole message UCS-2,
    so folding the others would lose their accents for nothing."""
    text = unicodedata.normalize("NFC", gsm_friendly(text))
    if is_gsm7(text):
        return text
    out = []
    for char in text:
        if char in GSM7_BASIC or char in GSM7_EXTENSION:
            out.append(char)
            continue
        base = _FOLDS.get(char) or unicodedata.normalize("NFD", char)[0]
        if not all(c in GSM7_BASIC for c in base):
            return text
        out.append(base)
    return "".join(out)


def gsm_friendly(text: str) -> str:
    """Replace typographic quotes and dashes when that makes ``text`` GSM-7."""
    plain = text.translate(_TYPOGRAPHY)
    return plain if is_gsm7(plain) else text


def capacity(seg: Segmentation) -> int:
    """Characters the paid-for segments could have carried."""
    if seg.segments == 1:
        return SINGLE[seg.encoding]
    return PART[seg.encoding] * seg.segments
