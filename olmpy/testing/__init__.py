"""Deterministic constructors for tests and known-answer vectors ONLY.

Every function here lets the caller choose what must be random: identity keys, the
source of later randomness, a ratchet, an ephemeral secret, an IV or a salt.  That is
what reproducing another implementation's output byte for byte needs, and it is also
exactly how keys become predictable and ciphertexts give each other away.  What misuse
has cost in practice:

- an all-zero ``rng`` handed to an account made its three one-time keys one and the
  same key, so three "one-time" sessions shared their first secret;
- one ``iv`` used for two secrets under one secret storage key encrypted both with the
  same AES-CTR keystream: XOR of the ciphertexts is XOR of the secrets, and whoever
  knows or guesses one secret reads the other;
- a fixed ephemeral ``rng`` in PK encryption makes every backup message share one
  ephemeral key, so the AES key and IV repeat too;
- key material from a seed that is in a test file is a key that everyone has.

Application code never needs this module: the objects in ``olmpy`` draw their secrets
from ``os.urandom``.  The same hooks used to be keyword arguments on those objects
(``Account.from_parts(rng=...)``, ``GroupSession.from_parts``, ``PkEncryption(rng=...)``,
``encrypt_secret(iv=...)``, ``create_key_description(iv=...)``); they still work there
for one minor release with a DeprecationWarning and give the same bytes as the
functions below.
"""

from __future__ import annotations

from collections.abc import Callable

from olmpy import key_export as _key_export
from olmpy import secret_storage as _secret_storage
from olmpy.keys import Curve25519PublicKey
from olmpy.megolm.group_session import GroupSession
from olmpy.olm.account import Account
from olmpy.pk import PkEncryption
from olmpy.sas import Sas
from olmpy.testing.device import Device

Rng = Callable[[int], bytes]
"""A source of randomness: ``rng(n)`` returns ``n`` bytes."""


def account_from_parts(
    ed25519_seed: bytes, curve25519_secret: bytes, *, rng: Rng | None = None
) -> Account:
    """An account with the given identity keys; ``rng``, if given, supplies all later
    randomness (one-time and fallback keys, outbound sessions, new ratchet keys).

    ``rng(n)`` is asked for exactly the bytes libolm would take, in libolm's order (32
    per one-time or fallback key, 64 per outbound session: base key then ratchet key,
    32 per new sender chain), so a libolm run with fixed randomness is reproduced byte
    for byte.

    Misuse: the identity keys are the account's long-term secret, so a seed that is
    known anywhere else is an account anyone can impersonate.  An ``rng`` that repeats
    itself repeats keys: an all-zero rng made three one-time keys into one.
    """
    return Account._from_parts(ed25519_seed, curve25519_secret, rng)


def group_session_from_parts(ratchet: bytes, counter: int, ed25519_seed: bytes) -> GroupSession:
    """An outbound Megolm session from given key material.

    ``ratchet`` is R0..R3 (128 bytes), ``counter`` the next message index and
    ``ed25519_seed`` the 32-byte signing seed.  With libolm's randomness split the same
    way (128 ratchet bytes then 32 seed bytes) the session is byte-identical to libolm's.

    Misuse: a known ratchet decrypts every message of the session from ``counter`` on,
    and a known seed signs messages as the session's sender.  Two sessions built from
    one ratchet encrypt with the same keys.
    """
    return GroupSession._from_parts(ratchet, counter, ed25519_seed)


def pk_encryption(recipient_key: Curve25519PublicKey | str, *, rng: Rng) -> PkEncryption:
    """A PK encryptor (backup messages) whose ephemeral secrets come from ``rng(32)``.

    Misuse: the ephemeral secret and the recipient's public key give the message's AES
    key, so anyone who can replay ``rng`` decrypts the message; an ``rng`` that repeats
    gives two messages one key and IV, which shows the XOR-level structure of both.
    """
    return PkEncryption._with_rng(recipient_key, rng)


def sas_from_secret(secret: bytes) -> Sas:
    """A SAS key pair with a given 32-byte X25519 secret.

    Misuse: whoever knows the secret computes the short authentication string and the
    MAC keys, and can complete the verification in the user's place.
    """
    return Sas._from_secret(secret)


def encrypt_secret(
    key: bytes, name: str, secret: str, *, iv: bytes
) -> _secret_storage.EncryptedSecret:
    """``olmpy.secret_storage.encrypt_secret`` with a given 16-byte IV.

    Misuse: AES-CTR turns the IV into a keystream.  One IV used for two secrets under
    one key (the name changes the key, so: two encryptions of one secret name) gives
    away the XOR of the two secrets, and with one known, the other.
    """
    return _secret_storage._encrypt_secret(key, name, secret, iv)


def create_key_description(
    key: bytes,
    *,
    iv: bytes,
    name: str | None = None,
    passphrase: _secret_storage.PassphraseInfo | None = None,
) -> _secret_storage.KeyDescription:
    """``olmpy.secret_storage.create_key_description`` with a given check IV.

    Misuse: the check MAC is computed over AES-CTR of zeros under this IV, so the
    description is the same for everyone using this IV and key; a predictable IV also
    lets a stored description be matched against precomputed keys.
    """
    return _secret_storage._create_key_description(key, name, passphrase, iv)


def encrypt_key_file(
    plaintext: bytes,
    passphrase: str | bytes,
    *,
    salt: bytes,
    iv: bytes,
    rounds: int = _key_export.DEFAULT_ROUNDS,
    allow_low_rounds: bool = False,
) -> str:
    """``olmpy.key_export.encrypt_key_file`` with a given 16-byte salt and IV.

    Misuse: a fixed salt lets one precomputed PBKDF2 table attack every file written
    with it; a fixed IV with the same passphrase and salt encrypts two files with one
    keystream, giving away the XOR of their contents.
    """
    return _key_export.encrypt_key_file(
        plaintext,
        passphrase,
        rounds=rounds,
        allow_low_rounds=allow_low_rounds,
        _salt=salt,
        _iv=iv,
    )


__all__ = [
    "Device",
    "Rng",
    "account_from_parts",
    "create_key_description",
    "encrypt_key_file",
    "encrypt_secret",
    "group_session_from_parts",
    "pk_encryption",
    "sas_from_secret",
]
