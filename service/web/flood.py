"""The flood gate: one phone sending too fast gets one "slow down", then silence.

Senders are known only by an HMAC of their number under a key that is never
written anywhere, so the windows hold no number. The policy lives in
``FloodGate``; the windows in a storage with three operations (``incr``,
``add``, ``exists``, each key expiring by itself), so they can move from this
process's memory to a store every worker and host shares.
"""

import collections
import hashlib
import hmac
import secrets
import threading
import time
from typing import Protocol

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


class FloodGate:
    """Decide, per sender, whether to answer, say "slow down" once, or stay silent."""

    def __init__(
        self,
        limit: int = 20,
        window: float = 60.0,
        quiet: float = 300.0,
        windows: Windows | None = None,
        key: bytes | None = None,
    ):
        self.limit = limit
        self.window = window
        self.quiet = quiet
        self.windows = windows if windows is not None else MemoryWindows()
        self._key = key or secrets.token_bytes(32)

    def check(self, sender: str, urgent: bool = False) -> str:
        """ALLOW, SLOW_DOWN (once, as the limit is crossed) or SILENT.

        ``urgent`` (a crisis message) is allowed even while silent, once per
        window, so a person in danger who has been texting a lot still gets
        the crisis line.
        """
        who = hmac.new(self._key, sender.encode("utf-8", "replace"), hashlib.sha256).hexdigest()[:32]
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
