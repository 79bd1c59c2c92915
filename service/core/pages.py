"""Topic replies packed into pages, each page but the last ending with its hint."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import needs
from .model import Message
from .normalize import compact
from .paging import Budget, paginate
from .segments import gsm_friendly

if TYPE_CHECKING:
    from .library import Library


@dataclass(frozen=True)
class TopicPages:
    locale: str  # the locale the pages are really in, after fallback
    keyword: str
    pages: tuple[str, ...]
    past_end: str | None = None  # the reply to a page after the last; None: send the last page


def topic_messages(library: "Library", topic: str) -> list[Message]:
    """Everything a topic's pages are made of: answered whole in one locale or not at all."""
    spec = library.content.topics[topic]
    messages = library.content.messages
    return [*spec.paragraphs, spec.keywords, messages[needs.MORE], messages[needs.PAST_END]]


def topic_pages(library: "Library", topic: str, locale: str, channel: str) -> TopicPages:
    spec = library.content.topics[topic]
    tr = library.translations
    effective = tr.resolve(locale, topic_messages(library, topic))
    paragraphs = [tr.text(effective, m) or m.id for m in spec.paragraphs]
    pages = make_pages(library, effective, spec.keywords, paragraphs, channel)
    past_end = tr.text(effective, library.content.messages[needs.PAST_END]) or ""
    text = library.for_channel(effective, channel, past_end.format(keyword=pages.keyword, count=len(pages.pages)))
    return TopicPages(pages.locale, pages.keyword, pages.pages, text)


def answer_pages(
    library: "Library", topic: str, paragraphs: tuple[int, ...], locale: str, channel: str
) -> tuple[TopicPages, int]:
    """The answer to a question: ``paragraphs`` of ``topic`` (best first) verbatim, in article order, and the
    line that says where to read more, on one page; where the best alone does not fit, the topic page that
    holds it. Returned with the page number to count."""
    spec = library.content.topics[topic]
    tr = library.translations
    closing = library.content.messages[needs.ANSWER_MORE]
    effective = tr.resolve(locale, [*topic_messages(library, topic), closing])
    pages = library.topic_pages(topic, effective, channel)
    if not paragraphs:  # only its example questions matched: the topic from its start
        return pages, 1
    hint = (tr.text(effective, closing) or "").format(
        keyword=hint_keyword(library, effective, spec.keywords), title=tr.text(effective, spec.title)
    )
    texts = {
        n: library.for_channel(effective, channel, tr.text(effective, spec.paragraphs[n]) or "") for n in paragraphs
    }
    hint = library.for_channel(effective, channel, hint)
    budget = Budget(channel)
    for chosen in (sorted(paragraphs), paragraphs[:1]):
        reply = gsm_friendly("\n".join([*(texts[n] for n in chosen), hint]))
        if budget.fits(reply):
            return TopicPages(effective, pages.keyword, (reply,)), 1
    start = gsm_friendly(texts[paragraphs[0]])[:40]
    number = next((n for n, page in enumerate(pages.pages, 1) if start in page), 1)
    return pages, number


def make_pages(
    library: "Library", locale: str, words: Message, paragraphs: list[str], channel: str, lines: bool = False
) -> TopicPages:
    """``paragraphs`` in pages for ``channel`` (folded to GSM-7 where the language allows, on SMS),
    hinting at the first of ``words`` in ``locale``; with ``lines``, pages break only between paragraphs."""
    keyword = hint_keyword(library, locale, words)
    hint = library.translations.text(locale, library.content.messages[needs.MORE]) or ""
    paragraphs = [library.for_channel(locale, channel, p) for p in paragraphs]
    pages = paginate(
        paragraphs,
        Budget(channel),
        lambda page: library.for_channel(locale, channel, hint.format(keyword=keyword, page=page)),
        lines,
    )
    return TopicPages(locale, keyword, pages)


def hint_keyword(library: "Library", locale: str, words: Message) -> str:
    """The word a page hint tells people to text, with the language code when
    the word alone would lead to another language (MENÚ is also MENU)."""
    found = library.translations.words(locale, words)
    keyword = found[0] if found else words.id.split(",")[0].strip()
    key = compact(keyword)
    others = (
        library.topic_words.get(key, {}).keys()
        | library.menu_words.get(key, set())
        | library.help_words.get(key, set())
    ) - {locale}
    return f"{keyword} {locale.upper()}" if others and locale != library.default_locale else keyword


def with_crisis(
    library: "Library", crisis: str, pages: TopicPages, number: int, channel: str, country: str | None
) -> str:
    """The whole crisis reply, then page ``number`` of ``pages``, in one message within the page budget.

    The crisis reply is never cut. Where the page does not fit after it, the page's first lines that fit
    (whole: never part of a line) are followed by the hint to text for page ``number`` itself, so nothing
    of it is lost.
    """
    crisis = library.for_channel(pages.locale, channel, crisis)
    paragraphs = pages.pages[number - 1].split("\n")
    if paragraphs[0] == library.for_channel(pages.locale, channel, library.crisis(pages.locale, country, short=True)):
        paragraphs = paragraphs[1:]  # menus and HELP open with the short line: the whole reply replaces it
    budget = _After(crisis, Budget(channel))
    if budget.fits("\n".join(paragraphs)):
        return "\n".join([crisis, *paragraphs])
    hint = library.translations.text(pages.locale, library.content.messages[needs.MORE]) or ""
    if number < len(pages.pages) and paragraphs[-1] == hint.format(keyword=pages.keyword, page=number + 1):
        paragraphs = paragraphs[:-1]
    this_page = library.for_channel(pages.locale, channel, hint.format(keyword=pages.keyword, page=number))
    if not budget.fits(this_page):
        return crisis  # not even the hint fits after it: the crisis reply alone, whole
    shown: list[str] = []
    for paragraph in paragraphs:
        if not budget.fits("\n".join([*shown, paragraph, this_page])):
            break
        shown.append(paragraph)
    return "\n".join([crisis, *shown, this_page])


@dataclass(frozen=True)
class _After:
    """A page budget with ``prefix`` already spent: the crisis reply comes first."""

    prefix: str
    budget: Budget

    @property
    def channel(self) -> str:
        return self.budget.channel

    def fits(self, text: str) -> bool:
        return self.budget.fits(self.prefix + "\n" + text)
