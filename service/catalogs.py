"""Load the compiled gettext catalogs, one per locale, without silent fallbacks."""

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

DOMAIN = "messages"
TEMPLATE = "messages.pot"
REVIEW_NOTE = ("# This translation awaits review by a native-speaking clinician; until one has\n"
               "# reviewed it, treat it as a draft.\n")


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


def update(content_dir: Path, translations_dir: Path) -> None:
    """What `pybabel extract` then `pybabel update --previous` do, for these folders."""
    template = translations_dir / TEMPLATE
    _pybabel("extract", "--mapping-file", str(Path(__file__).resolve().parent.parent / "pyproject.toml"),
             "--output-file", str(template), "--project", "textline",
             "--msgid-bugs-address", "translators@textline.invalid", ".",
             cwd=content_dir.parent)
    if catalog_paths(translations_dir):
        _pybabel("update", "--input-file", str(template), "--output-dir", str(translations_dir), "--previous")


def init(translations_dir: Path, locale: str) -> Path:
    """Create ``<locale>/LC_MESSAGES/messages.po`` with the review note in its header."""
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(locale)
    except (ValueError, UnknownLocaleError):
        raise ValueError(f"{locale!r} is not a locale Babel knows (try a code such as uk or pt_BR)") from None
    path = translations_dir / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if path.exists():
        raise ValueError(f"{path} already exists: use `textline translations update`")
    _pybabel("init", "--input-file", str(translations_dir / TEMPLATE), "--output-dir", str(translations_dir),
             "--locale", locale)
    text = path.read_text("utf-8")
    path.write_text(REVIEW_NOTE + text, "utf-8")
    return path


def _pybabel(*argv: str, cwd: Path | None = None) -> None:
    import contextlib

    from babel.messages.frontend import CommandLineInterface

    previous = Path.cwd()
    with contextlib.ExitStack() as stack:
        if cwd:
            os.chdir(cwd)
            stack.callback(os.chdir, previous)
        CommandLineInterface().run(["pybabel", "--quiet", *argv])
