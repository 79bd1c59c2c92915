"""The flood gate: one phone sending too fast gets one "slow down", then silence.

Senders are known only by an HMAC of their number under a key that is never
written anywhere, so the windows hold no number. The policy lives in
``FloodGate``; the windows in a storage with three operations (``incr``,
``add``, ``exists``, each key expiring by itself): this process's memory
(one host), or Redis/Valkey through the ``limits`` package, shared by every
worker and host (``TEXTLINE_LIMITS_URL``). When the shared store cannot be
reached, the gate lets messages through (fail open), says so once in the log
and in ``/metrics``, and tries the store again a second later.
"""

import collections
import logging
import math
import secrets
import threading
import time
from collections.abc import Callable
from typing import Protocol

from ..keyed import Hmac

log = logging.getLogger(__name__)

ALLOW, SLOW_DOWN, SILENT = "allow", "slow_down", "silent"
MAX_KEYS = 10_000


class Windows(Protocol):
    def incr(self, key: str, seconds: float) -> int:
        """Add one to ``key`` (created to expire in ``seconds``); return its value."""

    def add(self, key: str, seconds: float) -> bool:
        """Set ``key`` to expire in ``seconds`` unless it is set; return whether this call set it."""

    def exists(self, key: str) -> bool:
        """Whether ``key`` is set and has not expired."""


class MemoryWindows:
    """Windows in this process's memory, the least recently used forgotten past ``max_keys``."""

    def __init__(self, max_keys: int = MAX_KEYS, clock=time.monotonic):
        self.max_keys = max_keys
        self._clock = clock
        self._keys: collections.OrderedDict[str, list] = collections.OrderedDict()  # key -> [value, expires]
        self._lock = threading.Lock()

    def incr(self, key: str, seconds: float) -> int:
        with self._lock:
            entry = self._live(key)
            if entry is None:
                entry = self._set(key, 0, seconds)
            entry[0] += 1
            return entry[0]

    def add(self, key: str, seconds: float) -> bool:
        with self._lock:
            if self._live(key) is not None:
                return False
            self._set(key, 1, seconds)
            return True

    def exists(self, key: str) -> bool:
        with self._lock:
            return self._live(key) is not None

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self):
        return iter(list(self._keys))

    def _live(self, key: str) -> list | None:
        entry = self._keys.get(key)
        if entry is None:
            return None
        if self._clock() >= entry[1]:
            del self._keys[key]
            return None
        self._keys.move_to_end(key)
        return entry

    def _set(self, key: str, value: int, seconds: float) -> list:
        entry = self._keys[key] = [value, self._clock() + seconds]
        if len(self._keys) > self.max_keys:
            self._keys.popitem(last=False)
        return entry


class SharedWindows:
    """Windows in Redis or Valkey (``redis://``, ``rediss://``, ``valkey://``...) through the ``limits``
    package's storage, under the prefix ``textline``: every worker and host counts together. Each call waits
    at most ``timeout`` seconds; keys expire with their window, so Redis keeps nothing longer."""

    def __init__(self, url: str, timeout: float = 0.05):
        from limits.storage import Storage, storage_from_string

        storage = storage_from_string(
            url, key_prefix="textline", wrap_exceptions=True, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        if not isinstance(storage, Storage):  # async+redis:// and the like: not for a threaded worker
            raise ValueError(f"TEXTLINE_LIMITS_URL must name a synchronous storage, not {url.split(':', 1)[0]}")
        self._storage = storage

    def incr(self, key: str, seconds: float) -> int:
        return int(self._storage.incr(key, math.ceil(seconds)))

    def add(self, key: str, seconds: float) -> bool:
        return self.incr(key, seconds) == 1  # the call that created it

    def exists(self, key: str) -> bool:
        return int(self._storage.get(key)) > 0


class FloodGate:
    """Decide, per sender, whether to answer, say "slow down" once, or stay silent."""

    def __init__(
        self,
        limit: int = 20,
        window: float = 60.0,
        quiet: float = 300.0,
        windows: Windows | None = None,
        key: bytes | None = None,
        on_failure: Callable[[], None] | None = None,
        retry_after: float = 1.0,
    ):
        self.limit = limit
        self.window = window
        self.quiet = quiet
        self.windows = windows if windows is not None else MemoryWindows()
        self._key = Hmac(key or secrets.token_bytes(32), "sha256")
        self.on_failure = on_failure  # counts a request let through because the store failed (/metrics)
        self.retry_after = retry_after  # after a failure, seconds before the store is tried again
        self._down_until = 0.0
        self._down = False

    def check(self, sender: str, urgent: bool = False) -> str:
        """ALLOW, SLOW_DOWN (once, as the limit is crossed) or SILENT.

        ``urgent`` (a crisis message) is allowed even while silent, once per
        window, so a person in danger who has been texting a lot still gets
        the crisis line.
        """
        who = self._key.digest(sender.encode("utf-8", "replace")).hex()[:32]
        if time.monotonic() < self._down_until:
            return self._failed_open()
        try:
            verdict = self._check(who, urgent)
        except Exception as error:  # the shared store is down or slow: answer anyway
            self._down_until = time.monotonic() + self.retry_after
            if not self._down:
                self._down = True
                log.warning("flood gate store unreachable (%s): letting messages through", type(error).__name__)
            return self._failed_open()
        if self._down:
            self._down = False
            log.warning("flood gate store reachable again")
        return verdict

    def _failed_open(self) -> str:
        if self.on_failure:
            self.on_failure()
        return ALLOW

    def _check(self, who: str, urgent: bool) -> str:
        windows = self.windows
        if windows.exists(f"quiet:{who}"):
            return ALLOW if urgent and windows.add(f"urgent:{who}", self.window) else SILENT
        if windows.incr(f"count:{who}", self.window) <= self.limit:
            return ALLOW
        if not windows.add(f"quiet:{who}", self.quiet):
            return SILENT  # another request crossed the limit first
        if urgent:
            windows.add(f"urgent:{who}", self.window)
            return ALLOW
        return SLOW_DOWN
