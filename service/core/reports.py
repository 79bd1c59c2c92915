"""What content costs: pages and segments per topic and locale."""

from .library import Library
from .paging import SMS, WHATSAPP
from .segments import capacity, segment


def describe(text: str, channel: str) -> str:
    """What one message costs: encoding, units and segments, or characters on WhatsApp."""
    if channel == WHATSAPP:
        return f"WhatsApp, {len(text)} characters"
    seg = segment(text)
    return f"{seg.encoding}, {seg.units} units, {seg.segments} segment{'s' if seg.segments != 1 else ''}"


def efficiency(library: Library, locale: str) -> tuple[int, int]:
    """Characters carried and characters paid for, over every SMS page of ``locale``."""
    used = paid = 0
    for topic in library.content.topics:
        for page in library.topic_pages(topic, locale, SMS).pages:
            seg = segment(page)
            used, paid = used + seg.units, paid + capacity(seg)
    return used, paid


def page_table(library: Library, channel: str) -> str:
    """Rows of locales, columns of topics: pages/segments, marked when a topic falls back."""
    topics = list(library.content.topics)
    lines = ["locale  " + "".join(f"{t:>12}" for t in topics) + f"{'total':>12}"]
    for locale in library.locales:
        cells, total_pages, total_segments = [], 0, 0
        for topic in topics:
            pages = library.topic_pages(topic, locale, channel)
            segments = sum(segment(p).segments for p in pages.pages) if channel == SMS else 0
            total_pages += len(pages.pages)
            total_segments += segments
            mark = "" if pages.locale == locale else f"->{pages.locale}"
            cells.append(f"{len(pages.pages)}p/{segments}s{mark}" if channel == SMS else f"{len(pages.pages)}p{mark}")
        total = f"{total_pages}p/{total_segments}s" if channel == SMS else f"{total_pages}p"
        lines.append(f"{locale:<8}" + "".join(f"{c:>12}" for c in cells) + f"{total:>12}")
    lines.append("\np = pages, s = SMS segments; ->xx: answered in xx (translation missing or stale)")
    return "\n".join(lines)
