"""Persistence formats: libolm's pickles (vodozemac's and olmpy's own follow)."""

from __future__ import annotations

from olmpy.errors import KeyDecodeError, PickleError
from olmpy.hazmat.primitives import Ed25519SigningKey


def signing_key(
    secret: bytes, expanded: bool, stored_public: bytes | None, what: str
) -> Ed25519SigningKey:
    """The Ed25519 key of a pickle's seed or expanded secret, checked against the public key
    stored beside it (if the format stores one): ``PublicKeyMismatchError`` when they
    disagree, ``PickleError`` when the scalar is 0 mod L."""
    try:
        key = (
            Ed25519SigningKey.from_expanded(secret)
            if expanded
            else Ed25519SigningKey.from_seed(secret)
        )
    except KeyDecodeError as exc:
        raise PickleError(f"{what} signing key: {exc}") from None
    if stored_public is not None:
        key.check_public(stored_public, what)
    return key
