"""Build the Library from content/ and translations/, serving what is valid and naming what is not."""

from pathlib import Path

from ..core import ContentError, Library, LiveLibrary, Problem, validate
from .catalogs import catalog_paths, load_catalog
from .reader import read_content


def load_library(
    content_dir: Path,
    translations_dir: Path,
    default_locale: str,
    contact: str = "",
    last_good: Path | None = None,
    previous: Library | None = None,
) -> Library:
    """A Library of everything that validates; ``Library.problems`` lists the rest.

    A catalog that cannot be read keeps the version ``previous`` served, else
    is left out (its locale falls back). Raises ContentError only when
    messages.yaml or crisis.yaml has no good version at all.
    """
    content, problems = read_content(content_dir, previous.content if previous else None, last_good)
    catalogs = {}
    for locale, po_path in catalog_paths(translations_dir).items():
        try:
            catalogs[locale] = load_catalog(locale, po_path)
        except ContentError as error:
            problems += error.problems
            if previous is not None and locale in previous.catalogs:
                catalogs[locale] = previous.catalogs[locale]
                problems.append(
                    Problem(
                        error.problems[0].path,
                        1,
                        f"{locale}: not applied, the last good version of this catalog serves",
                        locale,
                    )
                )
    catalogs, invalid = validate(content, catalogs, previous)
    return Library(content, catalogs, default_locale, contact, tuple(problems + invalid))


def live_library(
    content_dir: Path,
    translations_dir: Path,
    default_locale: str,
    contact: str = "",
    last_good: Path | None = None,
    interval: float = 1.0,
) -> LiveLibrary:
    """The Library, rebuilt when a content file or catalog changes on disk."""

    def load(previous: Library | None) -> Library:
        return load_library(content_dir, translations_dir, default_locale, contact, last_good, previous)

    def stamp() -> tuple:
        return file_stamps(
            [*content_dir.glob("*.yaml"), *content_dir.glob("*.json"), *translations_dir.glob("*/LC_MESSAGES/*.po")]
        )

    return LiveLibrary(load, stamp, interval)


def file_stamps(paths) -> tuple:
    """(path, mtime, size) of each file that exists: changes whenever one of them does."""
    stamps = []
    for path in sorted(paths):
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(stamps)
