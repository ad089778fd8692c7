"""``Device``'s state and keys: ``/keys/upload``, ``/keys/query``, ``/keys/claim`` with the
Olm sessions and to-device encryption, and the cross-signing upload bodies.

``Device`` (``olmpy.testing.device``) is assembled from ``_DeviceKeys``, ``_DeviceEvents``
(``_device_events.py``) and ``_DeviceBackup`` (``_device_backup.py``), each built on the
one before.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from olmpy.device_keys import (
    OLM_ALGORITHM,
    SIGNED_CURVE25519,
    CrossSigning,
    VerifiedDevice,
    cross_signing_key_id,
    device_keys,
    signed_fallback_keys,
    signed_one_time_keys,
    verify_cross_signing_key,
    verify_device_keys,
    verify_signed_by_master,
    verify_signed_key,
)
from olmpy.errors import OlmpyError, UsageError, brief, expected
from olmpy.keys import Curve25519PublicKey, Ed25519PublicKey
from olmpy.megolm import GroupSession
from olmpy.olm import Account, Session
from olmpy.olm import olm_payload as _olm_payload
from olmpy.pk import PkDecryption
from olmpy.signed_json import sign_json
from olmpy.testing._device_records import (
    ClaimedKey,
    QueryResult,
    RoomKeyInfo,
    ServerResponseError,
    _context,
    _counts,
    _obj,
    _opt_obj,
)


class _DeviceKeys:
    """``Device``'s state, its keys (upload, query, claim), Olm sessions and cross-signing."""

    def __init__(self, user_id: str, device_id: str, *, account: Account | None = None) -> None:
        for name, value in (("user_id", user_id), ("device_id", device_id)):
            if not isinstance(value, str) or not value:
                raise UsageError(f"{name}: " + expected("a non-empty str", brief(value)))
        if account is not None and not isinstance(account, Account):
            raise UsageError("account: " + expected("an olmpy Account", type(account).__name__))
        self.user_id = user_id
        self.device_id = device_id
        self.account = account if account is not None else Account()
        self.uploaded_device_keys: dict[str, Any] | None = None
        self.one_time_key_counts: dict[str, int] = {}
        self.unused_fallback_key_types: list[str] | None = None
        self.devices: dict[str, dict[str, VerifiedDevice]] = {}
        self.cross_signing_keys: dict[str, dict[str, dict[str, Any]]] = {}
        self.device_lists_changed: set[str] = set()
        self.device_lists_left: set[str] = set()
        self.next_batch: str | None = None
        self.cross_signing: CrossSigning | None = None
        self.backup_version: str | None = None
        self.room_keys: dict[tuple[str, str], RoomKeyInfo] = {}
        self._olm: dict[str, list[Session]] = {}
        self._outbound: dict[str, GroupSession] = {}
        self._backup_key: PkDecryption | None = None

    def __repr__(self) -> str:
        return (
            f"Device(user_id={self.user_id!r}, device_id={self.device_id!r}, "
            f"ed25519={self.ed25519_key.to_base64()!r})"
        )

    @property
    def ed25519_key(self) -> Ed25519PublicKey:
        """The device's Ed25519 (fingerprint) key."""
        return self.account.ed25519_key

    @property
    def curve25519_key(self) -> Curve25519PublicKey:
        """The device's Curve25519 (identity) key."""
        return self.account.curve25519_key

    @property
    def key_id(self) -> str:
        """``ed25519:<device id>``, the id of this device's signatures."""
        return f"ed25519:{self.device_id}"

    # --- /keys/upload -------------------------------------------------------------------

    def device_keys(self, extra_fields: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The signed ``device_keys`` object; ``extra_fields`` are added before signing
        (fields beyond the spec's, which a server must keep as they are)."""
        keys: dict[str, Any] = dict(device_keys(self.account, self.user_id, self.device_id))
        if extra_fields:
            del keys["signatures"]
            for name, value in extra_fields.items():
                if name in keys or name in ("signatures", "unsigned"):
                    raise UsageError(
                        "extra device-key field: " + expected("a new name", repr(name))
                    )
                keys[name] = value
            keys = sign_json(keys, self.user_id, self.key_id, self.account)
        return keys

    def keys_upload_body(
        self,
        *,
        one_time_keys: int = 0,
        fallback_key: bool = False,
        include_device_keys: bool | None = None,
        extra_device_fields: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A ``POST /keys/upload`` body: device keys (the first time, unless told), the
        unpublished one-time keys plus ``one_time_keys`` new ones, and a new fallback key
        when ``fallback_key``.  Call ``receive_keys_upload`` with the response."""
        if type(one_time_keys) is not int or one_time_keys < 0:
            raise UsageError("one_time_keys: " + expected("an int >= 0", brief(one_time_keys)))
        if include_device_keys is None:
            include_device_keys = self.uploaded_device_keys is None
        if one_time_keys:
            self.account.generate_one_time_keys(one_time_keys)
        if fallback_key:
            self.account.generate_fallback_key()
        body: dict[str, Any] = {}
        if include_device_keys:
            body["device_keys"] = self.device_keys(extra_device_fields)
            self.uploaded_device_keys = body["device_keys"]
        otks = signed_one_time_keys(self.account, self.user_id, self.device_id)
        if otks:
            body["one_time_keys"] = dict(otks)
        fallback = signed_fallback_keys(self.account, self.user_id, self.device_id)
        if fallback:
            body["fallback_keys"] = dict(fallback)
        return body

    def receive_keys_upload(self, response: Mapping[str, Any]) -> dict[str, int]:
        """Takes the ``/keys/upload`` response: marks the keys published and returns
        ``one_time_key_counts``."""
        resp = _obj("/keys/upload response", response)
        if "one_time_key_counts" not in resp:
            raise ServerResponseError(
                "/keys/upload response: " + expected('"one_time_key_counts"', sorted(resp))
            )
        counts = _counts("/keys/upload one_time_key_counts", resp["one_time_key_counts"])
        self.account.mark_keys_as_published()
        self.one_time_key_counts = counts
        return counts

    # --- /keys/query --------------------------------------------------------------------

    def keys_query_body(self, user_ids: Iterable[str]) -> dict[str, Any]:
        """A ``POST /keys/query`` body asking for every device of ``user_ids``."""
        return {"device_keys": {user: [] for user in user_ids}}

    def receive_keys_query(
        self, response: Mapping[str, Any], *, strict: bool = False
    ) -> QueryResult:
        """Checks a ``/keys/query`` response and remembers what verified.

        Device keys must be self-signed and state the user and device they are listed
        under; a device already known must keep its Ed25519 key.  Cross-signing keys
        must name their user, and self-signing and user-signing keys must be signed by
        the master key.  With ``strict`` the first refused object raises its error;
        otherwise refusals are listed in the result and the rest is kept.
        """
        resp = _obj("/keys/query response", response)
        result = QueryResult()

        def refuse(where: str, err: OlmpyError) -> None:
            if strict:
                raise err
            result.rejected.append((where, err))

        for user_id, devices in _opt_obj(resp, "device_keys", "/keys/query").items():
            for device_id, obj in _obj(f"/keys/query device_keys {user_id}", devices).items():
                where = f"/keys/query device_keys {user_id} {device_id}"
                try:
                    with _context(where):
                        known = self.devices.get(user_id, {}).get(device_id)
                        pinned = known.ed25519 if known is not None else None
                        verified = verify_device_keys(obj, user_id, device_id, pinned)
                except OlmpyError as err:
                    refuse(where, err)
                    continue
                self.devices.setdefault(user_id, {})[device_id] = verified
                result.devices.setdefault(user_id, {})[device_id] = verified
        masters: dict[str, dict[str, Any]] = {}
        for user_id, obj in _opt_obj(resp, "master_keys", "/keys/query").items():
            where = f"/keys/query master_keys {user_id}"
            try:
                with _context(where):
                    verify_cross_signing_key(obj, "master", user_id)
            except OlmpyError as err:
                refuse(where, err)
                continue
            masters[user_id] = obj
            result.cross_signing.setdefault(user_id, {})["master"] = obj
        for section, usage in (
            ("self_signing_keys", "self_signing"),
            ("user_signing_keys", "user_signing"),
        ):
            for user_id, obj in _opt_obj(resp, section, "/keys/query").items():
                where = f"/keys/query {section} {user_id}"
                try:
                    with _context(where):
                        master = masters.get(user_id)
                        if master is None:
                            raise ServerResponseError(
                                "a master key to check it with: "
                                + expected("one in master_keys", "none")
                            )
                        verify_cross_signing_key(obj, usage, user_id)  # type: ignore[arg-type]
                        verify_signed_by_master(obj, usage, master)  # type: ignore[arg-type]
                except OlmpyError as err:
                    refuse(where, err)
                    continue
                result.cross_signing.setdefault(user_id, {})[usage] = obj
        for user_id, keys in result.cross_signing.items():
            self.cross_signing_keys.setdefault(user_id, {}).update(keys)
        return result

    def device(self, user_id: str, device_id: str) -> VerifiedDevice:
        """A device known from a checked ``/keys/query`` (UsageError if unknown)."""
        known = self.devices.get(user_id, {}).get(device_id)
        if known is None:
            raise UsageError(
                "device: "
                + expected("one seen in a /keys/query response", f"{user_id} {device_id}")
            )
        return known

    # --- /keys/claim and Olm sessions ---------------------------------------------------

    def keys_claim_body(self, devices: Iterable[tuple[str, str]]) -> dict[str, Any]:
        """A ``POST /keys/claim`` body: one ``signed_curve25519`` key per (user, device)."""
        wanted: dict[str, dict[str, str]] = {}
        for user_id, device_id in devices:
            wanted.setdefault(user_id, {})[device_id] = SIGNED_CURVE25519
        return {"one_time_keys": wanted}

    def receive_keys_claim(
        self, response: Mapping[str, Any], *, create_sessions: bool = True
    ) -> dict[tuple[str, str], ClaimedKey]:
        """Checks a ``/keys/claim`` response against the queried device keys and, unless
        told not to, starts an Olm session with each device from its key.

        Every key must be signed by its device (raises ``SignatureError``) and the device
        must be known from ``/keys/query`` (``ServerResponseError`` otherwise).
        """
        resp = _obj("/keys/claim response", response)
        out: dict[tuple[str, str], ClaimedKey] = {}
        for user_id, devices in _opt_obj(resp, "one_time_keys", "/keys/claim").items():
            for device_id, keys in _obj(f"/keys/claim {user_id}", devices).items():
                where = f"/keys/claim {user_id} {device_id}"
                keys = _obj(where, keys)
                if len(keys) != 1:
                    raise ServerResponseError(f"{where}: " + expected("one key", len(keys)))
                known = self.devices.get(user_id, {}).get(device_id)
                if known is None:
                    raise ServerResponseError(
                        f"{where}: " + expected("a key of a device seen in /keys/query",
                                                "a key of an unknown device")
                    )
                ((key_id, obj),) = keys.items()
                with _context(where):
                    key = verify_signed_key(key_id, obj, user_id, device_id, known.ed25519)
                claimed = ClaimedKey(
                    user_id, device_id, key_id, key, obj.get("fallback") is True, obj
                )
                out[(user_id, device_id)] = claimed
                if create_sessions:
                    session = self.account.create_outbound_session(known.curve25519, key)
                    self._olm.setdefault(known.curve25519.to_base64(), []).append(session)
        return out

    def has_olm_session(self, user_id: str, device_id: str) -> bool:
        """Whether an Olm session with that (queried) device exists."""
        return bool(self._olm.get(self.device(user_id, device_id).curve25519.to_base64()))

    def encrypt_to_device(
        self, event_type: str, content: Mapping[str, Any], recipients: Iterable[tuple[str, str]]
    ) -> dict[str, Any]:
        """A ``PUT /sendToDevice/m.room.encrypted/{txnId}`` body carrying ``event_type`` and
        ``content`` Olm-encrypted to each (user, device), with the payload fields the spec
        requires (sender, recipient, recipient_keys, keys).  Each recipient needs an Olm
        session (``receive_keys_claim`` or an incoming pre-key message)."""
        messages: dict[str, dict[str, Any]] = {}
        for user_id, device_id in recipients:
            device = self.device(user_id, device_id)
            sessions = self._olm.get(device.curve25519.to_base64())
            if not sessions:
                raise UsageError(
                    f"recipient {user_id} {device_id}: "
                    + expected("an Olm session (claim a one-time key first)", "none")
                )
            payload = _olm_payload(
                event_type,
                content,
                sender=self.user_id,
                recipient=user_id,
                sender_ed25519=self.ed25519_key,
                recipient_ed25519=device.ed25519,
            )
            message = sessions[-1].encrypt(json.dumps(payload, ensure_ascii=False))
            messages.setdefault(user_id, {})[device_id] = {
                "algorithm": OLM_ALGORITHM,
                "sender_key": self.curve25519_key.to_base64(),
                "ciphertext": {
                    device.curve25519.to_base64(): {
                        "type": message.message_type,
                        "body": message.to_base64(),
                    }
                },
            }
        return {"messages": messages}

    # --- cross-signing ------------------------------------------------------------------

    def cross_signing_upload_body(
        self, auth: Mapping[str, Any] | None = None, *, new_keys: bool = False
    ) -> dict[str, Any]:
        """A ``POST /keys/device_signing/upload`` body with this user's three keys (made
        on first use, or anew with ``new_keys``); ``auth`` is the user-interactive auth
        object, when asked for."""
        if self.cross_signing is None or new_keys:
            self.cross_signing = CrossSigning.generate(self.user_id)
        body: dict[str, Any] = dict(self.cross_signing.upload_body())
        if auth is not None:
            body["auth"] = dict(auth)
        return body

    def _require_cross_signing(self) -> CrossSigning:
        if self.cross_signing is None:
            raise UsageError(
                "cross-signing keys: " + expected("keys made by cross_signing_upload_body", "none")
            )
        return self.cross_signing

    def self_signature_upload_body(self) -> dict[str, Any]:
        """A ``POST /keys/signatures/upload`` body: this device's uploaded keys signed by
        the self-signing key, and the master key signed by this device."""
        cs = self._require_cross_signing()
        if self.uploaded_device_keys is None:
            raise UsageError("device keys: " + expected("uploaded keys to sign", "none"))
        master = cs.master_key()
        master_id = cross_signing_key_id(cs.master).split(":", 1)[1]
        return {
            self.user_id: {
                self.device_id: dict(cs.sign_device(dict(self.uploaded_device_keys))),
                master_id: sign_json(dict(master), self.user_id, self.key_id, self.account),
            }
        }

    def user_signature_upload_body(self, user_id: str) -> dict[str, Any]:
        """A ``POST /keys/signatures/upload`` body signing ``user_id``'s master key (from a
        checked ``/keys/query``) with this user's user-signing key."""
        cs = self._require_cross_signing()
        master = self.cross_signing_keys.get(user_id, {}).get("master")
        if master is None:
            raise UsageError(
                f"master key of {user_id}: " + expected("one seen in /keys/query", "none")
            )
        signed = cs.sign_user(dict(master))
        _, public = verify_cross_signing_key(signed, "master", user_id)
        return {user_id: {public.to_base64(): dict(signed)}}
