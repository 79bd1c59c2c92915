"""The menu, HELP and the crisis replies: built from several messages, each falling back on its own."""

from dataclasses import replace
from typing import TYPE_CHECKING

from . import needs
from .model import Content, Message
from .normalize import compact
from .pages import TopicPages, make_pages
from .paging import Budget
from .segments import gsm_friendly

if TYPE_CHECKING:
    from .library import Library


def crisis_messages(content: Content, country: str | None, short: bool = False) -> list[Message]:
    """The crisis messages a reply to ``country`` is made of, in order."""
    messages = content.crisis_messages
    line = content.crisis_lines.get(country or "")
    if short:
        return [messages[needs.SHORT[line.how if line else needs.DEFAULT]]]
    if line is None:
        return [messages[needs.DEFAULT]]
    return [messages[line.how], messages[needs.EMERGENCY], *([messages[line.extra]] if line.extra else [])]


def crisis_text(library: "Library", locale: str, country: str, short: bool) -> str:
    """Crisis resources for ``country`` ("default": any other) in ``locale`` or its fallback, the line first."""
    needed = crisis_messages(library.content, country, short)
    tr = library.translations
    effective = tr.resolve(locale, needed)
    line = library.content.crisis_lines.get(country)
    fields = {"number": line.number, "emergency": line.emergency} if line else {}
    return gsm_friendly(" ".join((tr.text(effective, m) or m.id).format(**fields) for m in needed))


def menu(library: "Library", locale: str, channel: str, country: str | None) -> TopicPages:
    """The menu, led by the short crisis line: each topic line falls back on its own."""
    content, tr = library.content, library.translations
    frame = [content.messages[name] for name in (needs.MENU, needs.MENU_TOPIC, needs.MORE)]
    frame.append(content.words[needs.MENU_WORDS])
    effective = tr.resolve(locale, frame)
    template = tr.text(effective, content.messages[needs.MENU_TOPIC]) or ""
    lines = []
    for topic in content.topics.values():
        step = tr.resolve(effective, [topic.keywords, topic.title])
        keyword = menu_keyword(library, step, tr.words(step, topic.keywords), country)
        lines.append(template.format(keyword=keyword, title=tr.text(step, topic.title)))
    languages = " ".join(loc.upper() for loc in library.locales if loc != effective)
    text = tr.text(effective, content.messages[needs.MENU]) or ""
    body = text.format(topics="\n".join(lines), languages=languages)
    paragraphs = [library.crisis(effective, country, short=True), *body.split("\n")]
    return make_pages(library, effective, content.words[needs.MENU_WORDS], paragraphs, channel, lines=True)


def not_understood(library: "Library", menu: TopicPages, channel: str) -> TopicPages:
    """``menu`` opened, after its crisis line, by the line saying what this line answers. The pages stay
    the menu's (their hints ask for the menu's next page): where the line does not fit the first page, it
    takes the place of the menu's heading, which says much the same; where even that does not fit, the
    menu is sent as it is."""
    opening = library.translations.text(menu.locale, library.content.messages[needs.NOT_ANSWERED])
    if not opening:
        return menu
    crisis, heading, *rest = menu.pages[0].split("\n")
    line = library.for_channel(menu.locale, channel, gsm_friendly(opening))
    for first in ([crisis, line, heading, *rest], [crisis, line, *rest]):
        if Budget(channel).fits("\n".join(first)):
            return replace(menu, pages=("\n".join(first), *menu.pages[1:]))
    return menu


def menu_keyword(library: "Library", locale: str, words: list[str], country: str | None) -> str:
    """The word a menu shows for a topic, as it answers in ``locale`` when texted from ``country``:
    a word another language shares and the country would give to it (Portuguese TERAPIA is also
    Spanish, and Spanish wins from the US) is shown with the language code, as page hints are."""
    owners = set(library.topic_words.get(compact(words[0]), {}))
    if owners <= {locale} or library.pick(owners, country) == locale:
        return words[0]
    return f"{words[0]} {locale.upper()}"


def help_reply(library: "Library", locale: str, channel: str, country: str | None) -> TopicPages:
    """HELP: program, how to stop, rates, the clinic contact and the crisis line."""
    content, tr = library.content, library.translations
    messages = content.messages
    needed = [messages[needs.HELP], messages[needs.MORE], content.words[needs.HELP_WORDS]]
    if library.contact:
        needed.append(messages[needs.CONTACT])
    effective = tr.resolve(locale, needed)
    paragraphs = [tr.text(effective, messages[needs.HELP]) or ""]
    if library.contact:
        contact = tr.text(effective, messages[needs.CONTACT]) or ""
        paragraphs.append(contact.format(contact=library.contact))
    paragraphs.append(library.crisis(effective, country, short=True))
    return make_pages(library, effective, content.words[needs.HELP_WORDS], paragraphs, channel)
