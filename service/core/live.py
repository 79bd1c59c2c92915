"""The current Library, rebuilt when what it was built from changes."""

import logging
import threading
import time
from collections.abc import Callable

from .library import Library

log = logging.getLogger(__name__)


class LiveLibrary:
    """Hold the current Library; rebuild it when ``stamp()`` changes, at most once per ``interval`` seconds.

    ``load(previous)`` builds a Library, keeping from ``previous`` whatever the
    files on disk no longer give validly (it never raises for a content or
    catalog problem: those are in ``Library.problems``). Each process checks
    on its own; a rebuild that raises anyway keeps the last Library serving.
    """

    def __init__(self, load: Callable[[Library | None], Library], stamp: Callable[[], tuple], interval: float = 1.0):
        self._load = load
        self._stamp_of = stamp
        self._interval = interval
        self._lock = threading.Lock()
        self._checked = time.monotonic()
        self._stamp = stamp()
        self._library = load(None)
        self.reload_errors = 0
        self._log(self._library)

    def current(self) -> Library:
        if time.monotonic() - self._checked >= self._interval and self._lock.acquire(blocking=False):
            try:
                self._refresh()
            finally:
                self._lock.release()
        return self._library

    def _refresh(self) -> None:
        self._checked = time.monotonic()
        stamp = self._stamp_of()
        if stamp == self._stamp:
            return
        self._stamp = stamp
        try:
            library = self._load(self._library)
        except Exception:  # never let an edit stop the line: keep what was serving
            self.reload_errors += 1
            log.exception("content edit not applied, still serving the last good version")
            return
        if library.problems:
            self.reload_errors += 1
        self._library = library
        log.info("content reloaded")
        self._log(library)

    @staticmethod
    def _log(library: Library) -> None:
        if library.problems:
            log.error(
                "content and catalog problems (what they touch falls back or keeps its last good version):\n%s",
                "\n".join(map(str, library.problems)),
            )
