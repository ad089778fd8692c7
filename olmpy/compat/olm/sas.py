"""``olm.sas``: python-olm's ``Sas`` over ``olmpy.Sas`` and ``olmpy.EstablishedSas``.

``calculate_mac`` is libolm's ``hkdf-hmac-sha256`` with its broken base64 (kept: peers
that negotiate that method check exactly those bytes); ``calculate_mac_fixed_base64`` is
``hkdf-hmac-sha256.v2``.
"""

from __future__ import annotations

import olmpy
from olmpy._nocopy import refuse_pickle
from olmpy.compat.olm._compat import to_bytes
from olmpy.compat.olm._errors import libolm_code
from olmpy.errors import OlmpyError
from olmpy.sas import EstablishedSas

__all__ = ["OlmSasError", "Sas"]


class OlmSasError(Exception):
    """A SAS operation failed; ``args[0]`` is libolm's error code."""


_NOT_SET = "OLM_SAS_THEIR_KEY_NOT_SET"  # python-olm reports it with the prefix


class Sas:
    """One short-authentication-string verification (python-olm's ``olm.Sas``)."""

    __slots__ = ("_sas", "_shared")

    __reduce__ = refuse_pickle("it in memory only: a SAS serves one verification")

    _sas: olmpy.Sas
    _shared: EstablishedSas | None

    def __init__(self, other_users_pubkey: str | bytes | None = None) -> None:
        """A fresh ephemeral key pair; ``other_users_pubkey`` is set at once if given."""
        self._sas = olmpy.Sas()
        self._shared = None
        if other_users_pubkey:
            self.set_their_pubkey(other_users_pubkey)

    def _create_sas(self, buffer: bytes, buffer_length: int) -> None:
        """Replaces the key pair with the given X25519 secret (python-olm's test hook)."""
        from olmpy.testing import sas_from_secret

        try:
            self._sas = sas_from_secret(bytes(buffer[:buffer_length]))
        except OlmpyError as exc:
            raise OlmSasError(libolm_code(exc)) from exc
        self._shared = None

    @property
    def pubkey(self) -> str:
        """Our ephemeral public key in base64."""
        return self._sas.public_key.to_base64()

    @property
    def other_key_set(self) -> bool:
        """Whether the other side's public key has been set."""
        return self._shared is not None

    def set_their_pubkey(self, key: str | bytes) -> None:
        """Sets the other side's base64 public key (once: olmpy consumes the secret)."""
        text = key.decode("utf-8", "replace") if isinstance(key, bytes) else key
        try:
            self._shared = self._sas.diffie_hellman(text)
        except OlmpyError as exc:
            code = "OLM_INPUT_BUFFER_TOO_SMALL" if len(text) < 43 else libolm_code(exc)
            raise OlmSasError(code) from exc

    def _established(self) -> EstablishedSas:
        shared = self._shared
        if shared is None:
            raise OlmSasError(_NOT_SET)
        return shared

    def generate_bytes(self, extra_info: str | bytes, length: int) -> bytes:
        """``length`` bytes derived from the shared secret and ``extra_info``."""
        if length < 1:
            raise ValueError("The length needs to be a positive integer value")
        return bytes(self._established().bytes_raw(to_bytes(extra_info), length))

    def calculate_mac(self, message: str | bytes, extra_info: str | bytes) -> str:
        """``hkdf-hmac-sha256``: libolm's MAC with its broken base64, for old peers."""
        return self._established().calculate_mac_invalid_base64(
            to_bytes(message), to_bytes(extra_info)
        )

    def calculate_mac_fixed_base64(self, message: str | bytes, extra_info: str | bytes) -> str:
        """``hkdf-hmac-sha256.v2``: the same MAC in correct unpadded base64."""
        return self._established().calculate_mac(to_bytes(message), to_bytes(extra_info))

    def calculate_mac_long_kdf(self, message: str | bytes, extra_info: str | bytes) -> str:
        """``hmac-sha256``: libolm's long-KDF MAC (broken base64 too), for the oldest peers."""
        return self._established().calculate_mac_long_kdf(to_bytes(message), to_bytes(extra_info))
