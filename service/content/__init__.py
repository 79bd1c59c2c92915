"""Content loading: the YAML reader, the gettext catalogs, the Babel extractor and the translators' commands."""

from .catalogs import DOMAIN, TEMPLATE, catalog_paths, load_catalog, read_catalog, syntax_problems
from .loader import file_stamps, live_library, load_library
from .reader import LANGUAGES_FILE, display_path, load_content, messages_in_file, page_budget_note, read_content

__all__ = [
    "DOMAIN",
    "LANGUAGES_FILE",
    "TEMPLATE",
    "catalog_paths",
    "display_path",
    "file_stamps",
    "live_library",
    "load_catalog",
    "load_content",
    "load_library",
    "messages_in_file",
    "page_budget_note",
    "read_catalog",
    "read_content",
    "syntax_problems",
]
