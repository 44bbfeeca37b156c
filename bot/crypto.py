"""Encryption of personal data at rest, and stable pseudonyms for looking people up without storing who they are.

Phone numbers, names and free text are stored only as Fernet tokens (AES + HMAC, from the well-kept `cryptography`
package). MultiFernet lets a deployment rotate keys: the first key encrypts, every key decrypts. Looking a person up
("has this number opted out?") uses a keyed hash instead, so the database never needs the number in clear.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet

from bot.settings import get_settings


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys])


def encrypt(plain: str) -> bytes:
    """Encrypt text with the newest key."""
    return _fernet(get_settings().secret_keys).encrypt(plain.encode("utf-8"))


def decrypt(token: bytes) -> str:
    """Decrypt a token made with any configured key."""
    return _fernet(get_settings().secret_keys).decrypt(token).decode("utf-8")


def pseudonym(*parts: str) -> str:
    """A keyed hash of e.g. (channel, address): equal inputs give equal pseudonyms, and it reveals nothing without
    the key. Derived from the oldest key so that adding a new key does not change existing pseudonyms."""
    key = hashlib.sha256(b"helpline-pseudonym:" + get_settings().secret_keys[-1].encode()).digest()
    message = "\x1f".join(parts).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()
