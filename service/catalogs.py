"""Load the compiled gettext catalogs, one per locale, without silent fallbacks."""

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

DOMAIN = "messages"


@dataclass(frozen=True)
class Catalog:
    """What one locale's translators have finished: fuzzy entries are left out."""

    locale: str
    entries: dict[tuple[str, str], str]

    def get(self, context: str, msgid: str) -> str | None:
        return self.entries.get((context, msgid))


def catalog_paths(translations: Path) -> dict[str, Path]:
    """Every ``<locale>/LC_MESSAGES/messages.po`` under ``translations``."""
    return {
        po.parent.parent.name: po
        for po in sorted(translations.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    }


def compile_if_stale(po_path: Path) -> Path:
    """Compile ``po_path`` as ``pybabel compile`` would, when its .mo is older."""
    mo_path = po_path.with_suffix(".mo")
    if mo_path.exists() and mo_path.stat().st_mtime_ns >= po_path.stat().st_mtime_ns:
        return mo_path
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=po_path.parent.parent.name)
    fd, tmp = tempfile.mkstemp(dir=mo_path.parent, suffix=".mo.tmp")
    with os.fdopen(fd, "wb") as mo_file:
        write_mo(mo_file, catalog, use_fuzzy=False)
    os.replace(tmp, mo_path)  # several workers may race here; each write is whole
    return mo_path


def load_catalog(locale: str, po_path: Path) -> Catalog:
    """Load the compiled catalog for ``locale``, compiling it first if needed."""
    with compile_if_stale(po_path).open("rb") as mo_file:
        translations = Translations(mo_file, domain=DOMAIN)
    entries = {}
    # GNUTranslations keys a message with context as "context\x04msgid".
    for key, text in translations._catalog.items():
        if isinstance(key, str) and "\x04" in key and text:
            context, msgid = key.split("\x04", 1)
            entries[(context, msgid)] = text
    return Catalog(locale, entries)
