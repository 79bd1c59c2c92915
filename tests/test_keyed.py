import hmac

import pytest

from service.keyed import Hmac


@pytest.mark.parametrize("algorithm", ["sha1", "sha256"])
@pytest.mark.parametrize("size", [0, 1, 20, 32, 63, 64, 65, 128, 200])
def test_the_same_bytes_as_hmac_digest(algorithm, size):
    key = bytes(range(256))[:size] if size <= 256 else b""
    keyed = Hmac(key, algorithm)
    for message in (b"", b"SM0123456789abcdef", "whatsapp:+15551234567 ünïcødé".encode(), b"x" * 5000):
        assert keyed.digest(message) == hmac.digest(key, message, algorithm)
        assert keyed.digest(message) == keyed.digest(message)  # the prepared hashes are never consumed
        start, rest = message[:7], message[7:]
        assert keyed.prefixed(start).digest(rest) == hmac.digest(key, message, algorithm)
