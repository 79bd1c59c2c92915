"""Anonymous usage counts: one store (record, flush, close, rows), the tables and their migrations."""

from .formats import format_rows
from .migrate import revision
from .store import DIMENSIONS, CountKey, CountStore

__all__ = ["DIMENSIONS", "CountKey", "CountStore", "format_rows", "revision"]
