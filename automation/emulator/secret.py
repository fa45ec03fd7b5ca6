"""Password hashing as IOS prints it: type 9 (scrypt) secrets and type 7 obfuscated passwords.

Salts are derived from the name and the password so that re-entering the same `username ... secret`
line leaves the running config unchanged; idempotent config pushes depend on that.
"""

from __future__ import annotations

import functools
import hashlib
import hmac

_STD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_CISCO = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_TO_CISCO = str.maketrans(_STD, _CISCO)
_TYPE7_KEY = b"dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87"


def _b64(data: bytes) -> str:
    import base64

    return base64.b64encode(data).decode().rstrip("=").translate(_TO_CISCO)


@functools.lru_cache(maxsize=4096)
def _scrypt(password: str, salt: str) -> str:
    # IOS type 9: scrypt N=16384, r=1, p=1, 32 bytes; cached because every login re-verifies.
    digest = hashlib.scrypt(password.encode(), salt=salt.encode(), n=16384, r=1, p=1, dklen=32)
    return _b64(digest)


def type9(password: str, context: str) -> str:
    """`$9$salt$hash` for `password`; `context` (e.g. the user name) seeds the stable salt."""
    seed = hmac.new(context.encode(), password.encode(), hashlib.sha256).digest()
    salt = _b64(seed)[:14]
    return f"$9${salt}${_scrypt(password, salt)}"


def verify_type9(password: str, hashed: str) -> bool:
    parts = hashed.split("$")
    if len(parts) != 4 or parts[1] != "9":
        return False
    return hmac.compare_digest(_scrypt(password, parts[2]), parts[3])


def type7(password: str, seed: int = 2) -> str:
    """IOS `service password-encryption` form of a clear-text password."""
    out = [f"{seed:02d}"]
    for i, ch in enumerate(password.encode()):
        out.append(f"{ch ^ _TYPE7_KEY[(seed + i) % len(_TYPE7_KEY)]:02X}")
    return "".join(out)


def decode_type7(encoded: str) -> str:
    seed = int(encoded[:2])
    data = bytes.fromhex(encoded[2:])
    return bytes(b ^ _TYPE7_KEY[(seed + i) % len(_TYPE7_KEY)] for i, b in enumerate(data)).decode()
