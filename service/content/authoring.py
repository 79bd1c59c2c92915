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
        moved = {po_path: _move_changed(po_path, template) for po_path in catalog_paths(translations_dir).values()}
        _pybabel("update", "--input-file", str(template), "--output-dir", str(translations_dir), "--previous")
        for po_path in catalog_paths(translations_dir).values():
            _carry_forward(po_path, moved.get(po_path, {}))


def _move_changed(po_path: Path, template_path: Path) -> dict[str, str]:
    """Before pybabel updates a catalog: a translated text that is its context's only one, in the catalog and in
    the template, and whose English changed, moves to the new English, marked fuzzy, as pybabel's fuzzy matching
    would move it. pybabel then finds it as it is, instead of comparing texts with difflib: minutes for a long
    crisis list with one phrase added. Returns the old English of each context moved (pybabel keeps the flag,
    not the old English, of a text it finds as it is)."""
    from babel.messages.pofile import read_po

    def by_context(catalog) -> dict[str, list]:
        found: dict[str, list] = {}
        for message in catalog:
            if message.id and message.context is not None:
                found.setdefault(message.context, []).append(message)
        return found

    with template_path.open("rb") as handle:
        template = by_context(read_po(handle))
    catalog = _read(po_path)
    moved: dict[str, str] = {}
    for context, olds in by_context(catalog).items():
        news = template.get(context, [])
        if len(olds) != 1 or len(news) != 1:
            continue
        (message,), new_id = olds, news[0].id
        translated = isinstance(new_id, str) and isinstance(message.string, str) and message.string
        if message.id == new_id or not translated:
            continue
        catalog.delete(message.id, context=context)
        moved[context], message.id = message.id, new_id
        message.flags.add("fuzzy")
        catalog[new_id] = message
    if moved:
        _write(po_path, catalog)
    return moved


def _carry_forward(po_path: Path, moved: dict[str, str]) -> None:
    """Keep the translation of a text whose English changed too much for pybabel to match it (a crisis list
    rewritten, a message reworded): where the new entry is empty and the old one, now obsolete, had the same
    context and was the only text of that context, the old translation comes back marked fuzzy, with the old
    English beside it. Crisis lists thus never go out of service (the reader serves a fuzzy list until a
    translator reviews it), and translators see what to update instead of starting again. A text that
    ``_move_changed`` moved gets its old English back beside it."""
    catalog = _read(po_path)
    for message in catalog:
        if message.context in moved and "fuzzy" in message.flags:
            message.previous_id = [moved[message.context]]
    old: dict[str | None, list] = {}
    for key, message in catalog.obsolete.items():
        old.setdefault(message.context, []).append((key, message))
    contexts: dict[str | None, int] = {}
    for message in catalog:
        if message.id:
            contexts[message.context] = contexts.get(message.context, 0) + 1
    for message in catalog:
        previous = old.get(message.context, [])
        if message.id and not message.string and contexts[message.context] == 1 and len(previous) == 1:
            key, before = previous[0]
            message.string = before.string
            message.flags.add("fuzzy")
            message.previous_id = [before.id]
            del catalog.obsolete[key]
    _write(po_path, catalog)


def _read(po_path: Path):
    """The catalog, with the old English of each fuzzy text (``#| msgid``) back beside it. Babel reads those
    lines as comments, and pybabel update writes them back as comments ("# | msgid", wrapped), piling up one
    more at each update; here the last one stays, as the old English, and only on a text still fuzzy."""
    from babel.messages.pofile import read_po, unescape

    with po_path.open("rb") as handle:
        catalog = read_po(handle, abort_invalid=True)
    for message in (*catalog, *catalog.obsolete.values()):
        runs: list[list[str]] = []  # each old English, as the comment lines it was wrapped into
        kept: list[str] = []
        for comment in message.user_comments:
            if comment.startswith("| msgid "):
                runs.append([])
            elif not runs or _whole(runs[-1]):
                if not comment.startswith("| "):  # a line of an old English whose first line is lost goes too
                    kept.append(comment)
                continue
            runs[-1].append(comment.removeprefix("| "))
        message.user_comments = kept
        if runs and "fuzzy" in message.flags:
            message.previous_id = ["".join(unescape(f'"{part}"') for part in _QUOTED.findall(" ".join(runs[-1])))]
    return catalog


def _whole(lines: list[str]) -> bool:
    """Whether these comment lines hold a whole quoted msgid: its quotes closed, the last line ending in one."""
    text = " ".join(lines)
    return len(_QUOTE.findall(text)) % 2 == 0 and text.rstrip().endswith('"')


def _write(po_path: Path, catalog) -> None:
    from babel.messages.pofile import write_po

    with po_path.open("wb") as handle:
        write_po(handle, catalog, include_previous=True)
    _mend_previous(po_path)


_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_QUOTE = re.compile(r'(?<!\\)(?:\\\\)*"')  # a quote that no backslash escapes


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
