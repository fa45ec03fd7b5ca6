"""Password hashing as IOS prints it: type 9 (scrypt) secrets and type 7 obfuscated passwords.

Every new hash gets a random salt, as on IOS, so equal passwords on two devices (or two users)
never print the same hash. Re-entering a clear-text secret that the stored hash already verifies
keeps the stored hash (`keep_or_hash`): idempotent config pushes depend on that.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets

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


SALT_LENGTH = 14


def new_salt() -> str:
    """A random 14-character salt in Cisco's base64 alphabet, like IOS's."""
    return "".join(secrets.choice(_CISCO) for _ in range(SALT_LENGTH))


def type9(password: str, salt: str | None = None) -> str:
    """`$9$salt$hash` for `password`, with a fresh random salt unless one is given."""
    salt = new_salt() if salt is None else salt
    return f"$9${salt}${_scrypt(password, salt)}"


def keep_or_hash(password: str, current: str | None) -> str:
    """`current` if it already is the hash of `password`, else a new type 9 hash (random salt)."""
    if current is not None and verify_type9(password, current):
        return current
    return type9(password)


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
    """The clear text of a type 7 string; ValueError when it is not one."""
    if len(encoded) < 4 or len(encoded) % 2 or not encoded[:2].isdigit():
        raise ValueError(f"not a type 7 string: {encoded!r}")
    seed = int(encoded[:2])
    data = bytes.fromhex(encoded[2:])
    return bytes(b ^ _TYPE7_KEY[(seed + i) % len(_TYPE7_KEY)] for i, b in enumerate(data)).decode(
        "utf-8", "replace"
    )
