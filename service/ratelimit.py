"""A per-process flood gate: one phone sending too fast gets one "slow down", then silence.

Senders are known only by an HMAC of their number under a random key made
when the process starts and never written anywhere, so the memory holds no
number and the keys mean nothing after a restart. Memory is bounded: past
``max_senders`` the least recently seen sender is forgotten. Each worker
process keeps its own gate, so with N workers a sender may get up to N times
the limit through before being slowed down.
"""

import collections
import hashlib
import hmac
import secrets
import threading
import time

ALLOW, SLOW_DOWN, SILENT = "allow", "slow_down", "silent"

LIMIT = 20  # messages per window before slowing a sender down
WINDOW = 60.0  # seconds
QUIET = 300.0  # seconds of silence after the "slow down" reply
MAX_SENDERS = 10_000


class FloodGate:
    """Decide, per sender, whether to answer, say "slow down" once, or stay silent."""

    def __init__(self, limit: int = LIMIT, window: float = WINDOW, quiet: float = QUIET,
                 max_senders: int = MAX_SENDERS, clock=time.monotonic):
        self.limit = limit
        self.window = window
        self.quiet = quiet
        self.max_senders = max_senders
        self._clock = clock
        self._key = secrets.token_bytes(32)
        self._senders: collections.OrderedDict[bytes, list[float]] = collections.OrderedDict()
        self._lock = threading.Lock()

    def check(self, sender: str, urgent: bool = False) -> str:
        """ALLOW, SLOW_DOWN (once, as the limit is crossed) or SILENT.

        ``urgent`` (a crisis message) is allowed even while silent, once per
        window, so a person in danger who has been texting a lot still gets
        the crisis line.
        """
        key = hmac.new(self._key, sender.encode("utf-8", "replace"), hashlib.sha256).digest()[:16]
        now = self._clock()
        with self._lock:
            state = self._senders.get(key)
            if state is None:
                state = self._senders[key] = [now, 0, 0.0, -self.window]  # start, count, quiet until, urgent at
                if len(self._senders) > self.max_senders:
                    self._senders.popitem(last=False)
            else:
                self._senders.move_to_end(key)
            start, _, quiet_until, urgent_at = state
            if now < quiet_until:
                if urgent and now - urgent_at >= self.window:
                    state[3] = now
                    return ALLOW
                return SILENT
            if now - start >= self.window:
                state[0], state[1] = now, 0
            state[1] += 1
            if state[1] > self.limit:
                state[1], state[2] = 0, now + self.quiet
                if urgent:
                    state[3] = now
                    return ALLOW
                return SLOW_DOWN
            return ALLOW

    def __len__(self) -> int:
        return len(self._senders)
