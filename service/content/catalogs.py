"""Read each locale's gettext catalog as strictly as GNU gettext, keeping the line of every entry."""

import re
from pathlib import Path

from babel.messages.pofile import PoFileError, read_po

from ..core import Catalog, ContentError, Problem
from .reader import display_path

DOMAIN = "messages"
TEMPLATE = "messages.pot"

# A line of a .po file: a comment, blank, or a keyword and/or one C string whose quotes close.
_LINE = re.compile(r'^\s*(?:#.*|(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?"(?:[^"\\]|\\.)*"\s*|)$')


def catalog_paths(translations: Path) -> dict[str, Path]:
    """Every ``<locale>/LC_MESSAGES/messages.po`` under ``translations``."""
    return {po.parent.parent.name: po for po in sorted(translations.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))}


def syntax_problems(po_path: Path, text: str) -> list[Problem]:
    """Lines GNU msgfmt would reject that Babel's reader would quietly misread (an unclosed quote)."""
    shown, locale = display_path(po_path), po_path.parent.parent.name
    return [
        Problem(shown, n, f"{locale}: not a valid catalog line (a quote left open?): {line.strip()[:60]}", locale)
        for n, line in enumerate(text.splitlines(), 1)
        if not _LINE.match(line)
    ]


def read_catalog(locale: str, po_path: Path):
    """The catalog as Babel parses it (fuzzy entries included), or raise ContentError naming file and line."""
    shown = display_path(po_path)
    try:
        text = po_path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ContentError(
            [Problem(shown, 1, f"{locale}: cannot read: {getattr(error, 'reason', error)}", locale)]
        ) from None
    problems = syntax_problems(po_path, text)
    if problems:
        raise ContentError(problems)
    try:
        with po_path.open("rb") as fileobj:
            return read_po(fileobj, locale=locale, abort_invalid=True)
    except (PoFileError, ValueError) as error:
        line = getattr(error, "lineno", 1) or 1
        raise ContentError([Problem(shown, line, f"{locale}: not a valid catalog: {error}", locale)]) from None


def load_catalog(locale: str, po_path: Path) -> Catalog:
    """What ``locale``'s translators have finished (no fuzzy entries), with the .po line of each entry."""
    catalog = read_catalog(locale, po_path)
    if catalog.fuzzy:  # pybabel compile and msgfmt skip the whole file
        raise ContentError(
            [
                Problem(
                    display_path(po_path),
                    1,
                    f"{locale}: the header is marked fuzzy, so the whole catalog is skipped",
                    locale,
                )
            ]
        )
    entries: dict[tuple[str, str], str] = {}
    lines: dict[tuple[str, str], int] = {}
    fuzzy: dict[tuple[str, str], str] = {}
    for message in catalog:
        if not message.id or not isinstance(message.id, str):
            continue
        key = (message.context or "", message.id)
        lines[key] = message.lineno
        if message.string and isinstance(message.string, str):
            (fuzzy if message.fuzzy else entries)[key] = message.string
    draft = "awaits review" in (catalog.header_comment or "")
    revised = catalog.revision_date.strftime("%Y-%m-%d") if hasattr(catalog.revision_date, "strftime") else ""
    review = ("draft awaiting review by a native-speaking clinician" if draft else "reviewed") + (
        f", revised {revised}" if revised else ""
    )
    return Catalog(locale, display_path(po_path), entries, lines, fuzzy, review)
