"""olmpy's hazardous-materials tier: the low-level building blocks.

Everything under ``olmpy.hazmat`` is sharp.  These are the plain functions and
ciphers that Olm, Megolm, secret storage, key export and attachments are built
from, kept public for interoperability work, test vectors and other protocols.
They do not authenticate, they do not choose nonces for you, and they do not
stop you from reusing a key or an IV.  Each docstring says what misuse costs.

Reach for the protocol objects first (``olmpy.Account``, ``olmpy.GroupSession``,
``olmpy.pk``, ``olmpy.secret_storage``, ``olmpy.attachments`` ...): they pick
fresh randomness, authenticate before they decrypt, and compare in constant
time.  Deterministic constructors for tests and known-answer vectors live in
``olmpy.testing``, not here.

The names follow ``cryptography.hazmat`` and ``argon2.low_level``: importing from
here is a statement that you have read the warnings.
"""

from __future__ import annotations

from olmpy.hazmat import primitives

__all__ = ["primitives"]
