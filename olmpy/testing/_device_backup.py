"""``Device``'s server-side key backup: the backup version, its entries and restoring them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from olmpy import backup as _backup
from olmpy.device_keys import cross_signing_key_id
from olmpy.errors import UsageError, expected
from olmpy.pk import PkDecryption
from olmpy.testing._device_events import _DeviceEvents
from olmpy.testing._device_records import RoomKeyInfo, _context, _obj, _opt_obj, _str


class _DeviceBackup(_DeviceEvents):
    """``Device``'s key backup."""

    # --- key backup ---------------------------------------------------------------------

    @property
    def recovery_key(self) -> str:
        """The backup's recovery key (the secret users write down; never in a repr)."""
        if self._backup_key is None:
            raise UsageError("backup key: " + expected("one made by backup_version_body", "none"))
        return self._backup_key.to_recovery_key()

    def backup_version_body(self) -> dict[str, Any]:
        """A ``POST /room_keys/version`` body: a new backup key, ``auth_data`` signed by
        this device (and by the master key when cross-signing keys exist)."""
        self._backup_key = PkDecryption()
        body: dict[str, Any] = dict(
            _backup.make_backup_info(
                self._backup_key, user_id=self.user_id, key_id=self.key_id, signer=self.account
            )
        )
        if self.cross_signing is not None:
            body["auth_data"] = _backup.sign_auth_data(
                body["auth_data"], self.user_id,
                cross_signing_key_id(self.cross_signing.master), self.cross_signing.master,
            )
        return body

    def receive_backup_version(self, response: Mapping[str, Any]) -> str:
        """Takes the ``POST /room_keys/version`` response; returns the new version."""
        resp = _obj("/room_keys/version response", response)
        self.backup_version = _str("/room_keys/version version", resp.get("version"))
        return self.backup_version

    def backup_key_data(self, info: RoomKeyInfo) -> dict[str, Any]:
        """One ``KeyBackupData`` for a held session (encrypted to the backup key)."""
        if self._backup_key is None:
            raise UsageError("backup key: " + expected("one made by backup_version_body", "none"))
        return dict(
            _backup.key_backup_data(
                self._backup_key.public_key,
                info.session,
                sender_key=info.sender_key,
                sender_claimed_keys={"ed25519": info.sender_ed25519},
                forwarding_curve25519_key_chain=info.forwarding_chain,
                is_verified=info.verified,
                shared_history=info.shared_history,
            )
        )

    def backup_keys_body(self) -> dict[str, Any]:
        """A ``PUT /room_keys/keys?version=...`` body with every held inbound session."""
        rooms: dict[str, dict[str, Any]] = {}
        for (room_id, session_id), info in self.room_keys.items():
            sessions = rooms.setdefault(room_id, {"sessions": {}})["sessions"]
            sessions[session_id] = self.backup_key_data(info)
        return {"rooms": rooms}

    def restore_backup(
        self, recovery_key: str, version: Mapping[str, Any], keys: Mapping[str, Any]
    ) -> list[RoomKeyInfo]:
        """Restores sessions from a ``GET /room_keys/keys`` response with the recovery key,
        after checking the key is the one of ``version`` (the ``GET /room_keys/version``
        response).  Restored sessions are unverified; returns them."""
        decryption = PkDecryption.from_recovery_key(recovery_key)
        _backup.check_backup_key(decryption, _obj("/room_keys/version response", version))
        restored = []
        for room_id, room in _opt_obj(_obj("/room_keys/keys", keys), "rooms", "/room_keys").items():
            sessions = _opt_obj(_obj(f"backup room {room_id}", room), "sessions", room_id)
            for session_id, data in sessions.items():
                with _context(f"backup {room_id} {session_id}"):
                    entry = _backup.decrypt_key_backup_data(
                        decryption, _obj("KeyBackupData", data), session_id=session_id
                    )
                key = entry.room_key
                info = RoomKeyInfo(
                    room_id,
                    key.session(),
                    key.sender_key,
                    key.sender_claimed_keys.get("ed25519", ""),
                    list(key.forwarding_curve25519_key_chain),
                    shared_history=key.shared_history,
                )
                restored.append(self.add_room_key(info))
        return restored
