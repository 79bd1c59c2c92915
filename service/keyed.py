"""HMACs under one fixed key, the key's padded inner and outer hashes computed once (RFC 2104).

``hmac.digest`` derives them again at every call; three HMACs a message (Twilio's signature, the flood
gate's sender key, the MessageSid digest) made that a tenth of the webhook's own time. Copying the two
prepared hashes gives the same bytes at half the cost.
"""

import hashlib

_INNER = bytes(x ^ 0x36 for x in range(256))
_OUTER = bytes(x ^ 0x5C for x in range(256))


class Hmac:
    """``Hmac(key, "sha256").digest(message) == hmac.digest(key, message, "sha256")``; ``prefixed(start)`` is the
    same key with ``start`` already hashed, for messages that all begin with it (a signed URL)."""

    def __init__(self, key: bytes, algorithm: str):
        inner, outer = hashlib.new(algorithm), hashlib.new(algorithm)
        if len(key) > inner.block_size:
            key = hashlib.new(algorithm, key).digest()
        key = key.ljust(inner.block_size, b"\0")
        inner.update(key.translate(_INNER))
        outer.update(key.translate(_OUTER))
        self._inner, self._outer = inner, outer

    def digest(self, message: bytes) -> bytes:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()

    def prefixed(self, start: bytes) -> "Hmac":
        keyed = object.__new__(Hmac)
        keyed._inner, keyed._outer = self._inner.copy(), self._outer
        keyed._inner.update(start)
        return keyed
