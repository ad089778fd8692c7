"""The drop-in's SAS classes: Sas and EstablishedSas over olmpy's own."""

from __future__ import annotations

import olmpy
from olmpy.compat.vodozemac._common import _need, _need_str, _no_init, _no_pickle, _wrap
from olmpy.compat.vodozemac._errors import KeyException, SasException, _raise
from olmpy.compat.vodozemac._keys import Curve25519PublicKey
from olmpy.errors import OlmpyError, UsageError
from olmpy.sas import SasBytes

__all__ = ["EstablishedSas", "Sas"]


class EstablishedSas:
    """A SAS after the key exchange (olmpy's ``olmpy.EstablishedSas``)."""

    __slots__ = ("_o",)
    __reduce__ = _no_pickle
    _o: olmpy.EstablishedSas

    def __init__(self, *args: object, **kwargs: object) -> None:
        _no_init(self)

    def bytes(self, info: str) -> SasBytes:
        """The short authentication bytes for ``info`` (emoji indices, decimals)."""
        _need_str(info)
        return self._o.bytes(info)

    def calculate_mac_invalid_base64(self, input: str, info: str) -> str:
        """The MAC with libolm's old, wrong base64 encoding (old clients)."""
        _need_str(input)
        _need_str(info)
        return self._o.calculate_mac_invalid_base64(input, info)

    def calculate_mac(self, input: str, info: str) -> str:
        """The MAC of ``input`` for ``info`` (hkdf-hmac-sha256.v2), base64."""
        _need_str(input)
        _need_str(info)
        return self._o.calculate_mac(input, info)

    def verify_mac(self, input: str, info: str, tag: str) -> None:
        """Returns None if ``tag`` is the MAC of ``input``, else SasException."""
        _need_str(input)
        _need_str(info)
        _need_str(tag)
        try:
            self._o.verify_mac(input, info, tag)
        except OlmpyError as exc:
            _raise(SasException, "The SAS MAC validation didn't succeed", exc)


class Sas:
    """A SAS verification's key exchange (olmpy's ``olmpy.Sas``)."""

    __slots__ = ("_o",)
    __reduce__ = _no_pickle
    _o: olmpy.Sas

    def __init__(self) -> None:
        self._o = olmpy.Sas()

    @property
    def public_key(self) -> Curve25519PublicKey:
        """Our ephemeral public key, to send to the other side."""
        return _wrap(Curve25519PublicKey, self._o.public_key)

    def diffie_hellman(self, key: Curve25519PublicKey) -> EstablishedSas:
        """Completes the exchange with their key; SasException if already used,
        KeyException for a non-contributory key."""
        _need(key, Curve25519PublicKey)
        try:
            return _wrap(EstablishedSas, self._o.diffie_hellman(key._o))
        except UsageError as exc:
            _raise(SasException, "The Sas object has already been used once.", exc)
        except OlmpyError as exc:
            _raise(KeyException, "", exc)
