"""Dehydrated devices (MSC3814, ``org.matrix.msc3814.v2``): what ``Account``'s
``to_dehydrated_device`` returns and ``from_dehydrated_device`` takes (SPEC.md section 14)."""

from __future__ import annotations

import warnings
from typing import Any, Final, NamedTuple

from olmpy.types import DehydratedDeviceData

__all__ = ["ALGORITHM", "DehydratedDevice"]

ALGORITHM: Final = "org.matrix.msc3814.v2"


class DehydratedDevice(NamedTuple):
    """An encrypted account for MSC3814: ``device_pickle`` and ``nonce``, unpadded base64."""

    ciphertext: str
    nonce: str

    def device_data(self) -> DehydratedDeviceData:
        """The ``device_data`` object of ``PUT /dehydrated_device``."""
        return {"algorithm": ALGORITHM, "device_pickle": self.ciphertext, "nonce": self.nonce}


_INTERNAL = ("Contents", "VERSION", "WHAT", "open_sealed", "seal")


def __getattr__(name: str) -> Any:
    """The internals that lived here before 0.2 still resolve, with a DeprecationWarning."""
    if name in _INTERNAL:
        warnings.warn(
            f"olmpy.pickle.dehydrated.{name} is internal and deprecated: use "
            "Account.to_dehydrated_device and Account.from_dehydrated_device",
            DeprecationWarning,
            stacklevel=2,
        )
        from olmpy.pickle import _dehydrated

        return getattr(_dehydrated, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
