"""The translators' commands: extract content/ into the template, update and start catalogs (pybabel)."""

import contextlib
import os
import re
import tempfile
from pathlib import Path

from .catalogs import DOMAIN, TEMPLATE, catalog_paths

REVIEW_NOTE = (
    "# This translation awaits review by a native-speaking clinician; until one has\n"
    "# reviewed it, treat it as a draft.\n"
)


def update(content_dir: Path, translations_dir: Path) -> None:
    """What `pybabel extract` then `pybabel update --previous` do, for these folders."""
    template = translations_dir / TEMPLATE
    with tempfile.NamedTemporaryFile("w", suffix=".cfg") as mapping:  # what pyproject.toml says, for any folder
        mapping.write(f"[textline_content: {content_dir.name}/*.yaml]\n")
        mapping.flush()
        _pybabel(
            "extract",
            "--mapping-file",
            mapping.name,
            "--output-file",
            str(template),
            "--project",
            "textline",
            "--msgid-bugs-address",
            "translators@textline.invalid",
            ".",
            cwd=content_dir.parent,
        )
    if catalog_paths(translations_dir):
        _pybabel("update", "--input-file", str(template), "--output-dir", str(translations_dir), "--previous")
        for po_path in catalog_paths(translations_dir).values():
            _carry_forward(po_path)
            _mend_previous(po_path)


def _carry_forward(po_path: Path) -> None:
    """Keep the translation of a text whose English changed too much for pybabel to match it (a crisis list
    rewritten, a message reworded): where the new entry is empty and the old one, now obsolete, had the same
    context and was the only text of that context, the old translation comes back marked fuzzy, with the old
    English beside it. Crisis lists thus never go out of service (the reader serves a fuzzy list until a
    translator reviews it), and translators see what to update instead of starting again."""
    from babel.messages.pofile import read_po, write_po

    with po_path.open("rb") as handle:
        catalog = read_po(handle, abort_invalid=True)
    old: dict[str | None, list] = {}
    for key, message in catalog.obsolete.items():
        old.setdefault(message.context, []).append((key, message))
    contexts: dict[str | None, int] = {}
    for message in catalog:
        if message.id:
            contexts[message.context] = contexts.get(message.context, 0) + 1
    changed = False
    for message in catalog:
        previous = old.get(message.context, [])
        if message.id and not message.string and contexts[message.context] == 1 and len(previous) == 1:
            key, before = previous[0]
            message.string = before.string
            message.flags.add("fuzzy")
            message.previous_id = [before.id]
            del catalog.obsolete[key]
            changed = True
    if changed:
        with po_path.open("wb") as handle:
            write_po(handle, catalog, include_previous=True)


_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')


def _mend_previous(po_path: Path) -> None:
    """Babel wraps a long previous msgid (``#| msgid ...``) across comment lines mid-string, which GNU msgfmt
    rejects; write each as one line, so translators still see what the English was."""
    lines = po_path.read_text("utf-8").split("\n")
    out: list[str] = []
    run: list[str] = []
    for line in [*lines, ""]:
        if line.startswith("#| "):
            run.append(line[3:])
            continue
        if run:
            joined = " ".join(run)
            keyword = joined.split(" ", 1)[0]
            text = "".join(_QUOTED.findall(joined))
            out.append(f'#| {keyword} "{text}"')
            run = []
        out.append(line)
    po_path.write_text("\n".join(out[:-1]), "utf-8")


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
    _pybabel(
        "init",
        "--input-file",
        str(translations_dir / TEMPLATE),
        "--output-dir",
        str(translations_dir),
        "--locale",
        locale,
    )
    text = path.read_text("utf-8")
    path.write_text(REVIEW_NOTE + text, "utf-8")
    return path


def _pybabel(*argv: str, cwd: Path | None = None) -> None:
    from babel.messages.frontend import CommandLineInterface

    previous = Path.cwd()
    with contextlib.ExitStack() as stack:
        if cwd:
            os.chdir(cwd)
            stack.callback(os.chdir, previous)
        CommandLineInterface().run(["pybabel", "--quiet", *argv])
