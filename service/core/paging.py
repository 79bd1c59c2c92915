"""Pack paragraphs into pages that fit a channel's budget."""

import re
from collections.abc import Callable
from dataclasses import dataclass

from .segments import capacity, gsm_friendly, segment

SMS = "sms"
WHATSAPP = "whatsapp"
CHANNELS = (SMS, WHATSAPP)
SMS_SEGMENTS = 3
WHATSAPP_CHARACTERS = 1600

# A sentence ends at . ! ? (and their CJK, Arabic and Devanagari forms)
# followed by a space, or right after a full-width stop.
_CLAUSE_END = re.compile(r"[,;，；、](?=\s)|[，；、]")
_SENTENCE_END = re.compile(r"(?<=[.!?;:。．！？；؟।])\s+|(?<=[。！？；])")


@dataclass(frozen=True)
class Budget:
    channel: str

    def fits(self, text: str) -> bool:
        if self.channel == WHATSAPP:
            return len(text) <= WHATSAPP_CHARACTERS
        return segment(text).segments <= SMS_SEGMENTS


def paginate(paragraphs: list[str], budget: Budget, hint: Callable[[int], str], lines: bool = False) -> tuple[str, ...]:
    """Split ``paragraphs`` into pages; every page but the last ends with ``hint(next_page)``.

    Whole paragraphs are kept together where they fit; otherwise a page is
    filled sentence by sentence, then word by word, so that a page uses the
    segments it pays for. With ``lines`` (menus), pages break only between
    paragraphs, unless one alone is longer than a page.
    """
    paragraphs = [gsm_friendly(p) for p in paragraphs]
    pieces = [
        (n, piece)
        for n, text in enumerate(paragraphs)
        for piece in ([text] if lines and budget.fits(text + "\n" + hint(99)) else _pieces(text, budget, hint))
    ]
    pages: list[str] = []
    start = 0
    while start < len(pieces):
        tail = _join(pieces[start:])
        if budget.fits(tail):
            pages.append(tail)
            break
        footer = "\n" + hint(len(pages) + 2)
        end = start + 1
        while end < len(pieces) and budget.fits(_join(pieces[start : end + 1]) + footer):
            end += 1
        if end < len(pieces) and not lines:
            end = _fill(pieces, start, end, budget, footer)
        body = _join(pieces[start:end])
        if not budget.fits(body + footer):
            # One word longer than a page: send what fits, never an oversized page.
            body = _trim(body, budget, footer)
        pages.append(body + footer)
        start = end
    return tuple(pages)


def _fill(pieces: list, start: int, end: int, budget: Budget, footer: str) -> int:
    """Move the head of the next sentence onto this page when it fits.

    A clause (up to a comma or semicolon) is preferred; single words only when
    the page would otherwise leave more than a tenth of what it pays for.
    """
    paragraph, sentence = pieces[end]
    page = pieces[start:end]

    def fits(head: str) -> bool:
        if head.count("(") != head.count(")"):  # never leave a parenthesis open
            return False
        return budget.fits(_join([*page, (paragraph, head)]) + footer)

    # A cut leaves at least four words before it and three after it, so no page
    # ends or starts with a stray fragment.
    spaces = [m.start() for m in re.finditer(" ", sentence)]
    if len(spaces) < 6:
        return end
    low, high = spaces[3], spaces[-3]
    clauses = [c for c in (m.end() for m in _CLAUSE_END.finditer(sentence)) if low <= c <= high + 1]
    words = [c for c in spaces if low <= c <= high]
    cut = next((c for c in reversed(clauses) if fits(sentence[:c].rstrip())), None)
    if cut is None and _room(page, budget, footer) > 0.1:
        cut = next((c for c in reversed(words) if fits(sentence[:c])), None)
    if not cut:
        return end
    pieces[end : end + 1] = [(paragraph, sentence[:cut].rstrip()), (paragraph, sentence[cut:].lstrip())]
    return end + 1


def _room(page: list, budget: Budget, footer: str) -> float:
    """The share of the paid-for capacity a page would leave empty."""
    text = _join(page) + footer
    seg = segment(text)
    return 1 - seg.units / capacity(seg) if budget.channel == SMS else 0.0


def _pieces(paragraph: str, budget: Budget, hint: Callable[[int], str]) -> list[str]:
    """Sentences, and the words of a sentence too long for the page with a hint."""
    reserve = "\n" + hint(99)
    pieces = []
    for sentence in filter(None, _SENTENCE_END.split(paragraph.strip())):
        if budget.fits(sentence + reserve):
            pieces.append(sentence)
        else:
            pieces += sentence.split(" ") if " " in sentence else list(sentence)
    return pieces


def _join(pieces: list[tuple[int, str]]) -> str:
    text, previous = "", None
    for paragraph, piece in pieces:
        if previous is None:
            text = piece
        elif paragraph != previous:
            text += "\n" + piece
        else:
            text += _space(text, piece) + piece
        previous = paragraph
    return text


def _space(before: str, after: str) -> str:
    """No space between pieces of scripts written without spaces (CJK)."""
    if _is_cjk(before[-1:]) and _is_cjk(after[:1]):
        return ""
    return " "


def _is_cjk(char: str) -> bool:
    return bool(char) and ("\u3000" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef")


def _trim(body: str, budget: Budget, footer: str) -> str:
    while body and not budget.fits(body + footer):
        body = body[:-1]
    return body
