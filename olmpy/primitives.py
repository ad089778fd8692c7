"""Deprecated: the primitives moved to ``olmpy.hazmat.primitives``.

Every name this module had is still reachable here for one minor release (0.2.x), with a
DeprecationWarning that names the new place; import from ``olmpy.hazmat.primitives``.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

from olmpy.hazmat import primitives as _hazmat

if TYPE_CHECKING:  # the names as the type checker sees them; at run time __getattr__ warns
    from olmpy.hazmat.primitives import (
        AesCtr64 as AesCtr64,
    )
    from olmpy.hazmat.primitives import (
        Ed25519SigningKey as Ed25519SigningKey,
    )
    from olmpy.hazmat.primitives import (
        aes256_cbc_decrypt as aes256_cbc_decrypt,
    )
    from olmpy.hazmat.primitives import (
        aes256_cbc_encrypt as aes256_cbc_encrypt,
    )
    from olmpy.hazmat.primitives import (
        check_x25519_publics as check_x25519_publics,
    )
    from olmpy.hazmat.primitives import (
        ed25519_expand_seed as ed25519_expand_seed,
    )
    from olmpy.hazmat.primitives import (
        ed25519_public_from_expanded as ed25519_public_from_expanded,
    )
    from olmpy.hazmat.primitives import (
        ed25519_public_from_seed as ed25519_public_from_seed,
    )
    from olmpy.hazmat.primitives import (
        ed25519_sign as ed25519_sign,
    )
    from olmpy.hazmat.primitives import (
        ed25519_sign_expanded as ed25519_sign_expanded,
    )
    from olmpy.hazmat.primitives import (
        ed25519_verify as ed25519_verify,
    )
    from olmpy.hazmat.primitives import (
        hkdf_sha256 as hkdf_sha256,
    )
    from olmpy.hazmat.primitives import (
        hmac_sha256 as hmac_sha256,
    )
    from olmpy.hazmat.primitives import (
        require_bytes as require_bytes,
    )
    from olmpy.hazmat.primitives import (
        sha256 as sha256,
    )
    from olmpy.hazmat.primitives import (
        x25519 as x25519,
    )
    from olmpy.hazmat.primitives import (
        x25519_public as x25519_public,
    )

__all__ = list(_hazmat.__all__)


def __getattr__(name: str) -> object:
    if name in _hazmat.__all__:
        warnings.warn(
            f"olmpy.primitives.{name} moved to olmpy.hazmat.primitives.{name}; "
            "olmpy.primitives will be removed in the next minor release",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(_hazmat, name)
    raise AttributeError(f"module 'olmpy.primitives' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_hazmat.__all__])
