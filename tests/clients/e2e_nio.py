"""One matrix-nio 0.26 client of the end-to-end flows, on real vodozemac or olmpy's drop-in.

Run by :mod:`e2e_flows` in the clients venv, one process per client and phase:

    python e2e_nio.py CONFIG.json

CONFIG says which module to use (``dropin`` or ``real``), the homeserver, the user,
the state folder (nio's SQLite store and the saved login), whether to create the
encrypted room or join it, what to send, what to expect from the peer (new in this
phase, or history from earlier phases that must decrypt from the store).  It prints
``CHECK`` lines for the flow to match and exits non-zero on the first failure.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

from e2e_common import TIMEOUT, check, fail, switch_module, write_atomically


async def client_main(cfg: dict[str, Any]) -> None:
    from nio import (  # after the module switch
        AsyncClient,
        AsyncClientConfig,
        JoinError,
        LoginResponse,
        MegolmEvent,
        RoomCreateError,
        RoomMessageText,
        RoomSendResponse,
    )

    state = Path(cfg["state"])
    state.mkdir(parents=True, exist_ok=True)
    creds_file = state / "login.json"
    client = AsyncClient(
        cfg["homeserver"], cfg["user"], store_path=str(state),
        config=AsyncClientConfig(encryption_enabled=True, store_sync_tokens=False),
    )
    deadline = time.monotonic() + cfg.get("timeout", TIMEOUT)
    decrypted: dict[str, str] = {}  # body -> sender
    undecrypted: list[str] = []
    other = cfg["peer_user"]

    def on_event(room: Any, event: Any) -> None:
        if isinstance(event, RoomMessageText) and event.decrypted:
            decrypted[event.body] = event.sender
        elif isinstance(event, MegolmEvent):
            undecrypted.append(f"{event.sender} {event.session_id}")

    client.add_event_callback(on_event, (RoomMessageText, MegolmEvent))

    async def sync(timeout_ms: int = 1000) -> None:
        if time.monotonic() > deadline:
            fail(f"timed out; decrypted so far {sorted(decrypted)}, undecryptable {undecrypted}")
        resp = await client.sync(timeout=timeout_ms, full_state=True,
                                 sync_filter={"room": {"timeline": {"limit": 100}}})
        if not hasattr(resp, "next_batch"):
            fail(f"sync: {resp}")
        if client.should_upload_keys:
            await client.keys_upload()
        if client.should_query_keys:
            await client.keys_query()
        if client.should_claim_keys:
            await client.keys_claim(client.get_users_for_key_claiming())

    try:
        if creds_file.exists():
            creds = json.loads(creds_file.read_text())
            client.restore_login(creds["user_id"], creds["device_id"], creds["access_token"])
            if client.olm is None:
                fail("restore_login did not load the crypto store")
            ed25519 = client.olm.account.identity_keys["ed25519"]
            if ed25519 != creds["ed25519"]:
                fail(f"store reopened with another account: {ed25519} != {creds['ed25519']}")
            check(f"store reopened: device {creds['device_id']} ed25519 {ed25519}")
        else:
            resp = await client.login(cfg["password"], device_name=cfg["name"])
            if not isinstance(resp, LoginResponse):
                fail(f"login: {resp}")
            assert client.olm is not None
            creds = {"user_id": resp.user_id, "device_id": resp.device_id,
                     "access_token": resp.access_token,
                     "ed25519": client.olm.account.identity_keys["ed25519"]}
            creds_file.write_text(json.dumps(creds))
            check(f"logged in: device {resp.device_id}")
        await sync(0)

        room_file = Path(cfg["room_file"])
        if cfg.get("create_room") and not room_file.exists():
            created = await client.room_create(
                invite=[other],
                initial_state=[{"type": "m.room.encryption", "state_key": "",
                                "content": {"algorithm": "m.megolm.v1.aes-sha2"}}],
            )
            if isinstance(created, RoomCreateError):
                fail(f"room_create: {created}")
            write_atomically(room_file, created.room_id)
            check(f"created encrypted room {created.room_id}")
        while not room_file.exists():
            await sync(500)
        room_id = room_file.read_text()
        while room_id not in client.rooms:
            if room_id in client.invited_rooms:
                joined = await client.join(room_id)
                if isinstance(joined, JoinError):
                    fail(f"join: {joined}")
                check(f"joined {room_id}")
            await sync(500)
        while True:
            room = client.rooms.get(room_id)
            # room.users also holds invited members: wait for the join itself.
            if (room is not None and room.encrypted and other in room.users
                    and other not in room.invited_users):
                break
            await sync(500)
        check(f"room is encrypted and {other} has joined")

        history = cfg.get("history", [])
        for body in history:
            while body not in decrypted:
                await sync(500)
            if decrypted[body] != other:
                fail(f"history {body!r} came from {decrypted[body]}, not {other}")
            check(f"history from the store decrypted: {body}")

        async def send_all() -> None:
            for body in cfg.get("send", []):
                resp = await client.room_send(
                    room_id, "m.room.message", {"msgtype": "m.text", "body": body},
                    ignore_unverified_devices=True,
                )
                if not isinstance(resp, RoomSendResponse):
                    fail(f"room_send: {resp}")
                check(f"sent encrypted: {body}")

        async def expect_all() -> None:
            for body in cfg.get("expect", []):
                while body not in decrypted:
                    await sync(1000)
                if decrypted[body] != other:
                    fail(f"{body!r} came from {decrypted[body]}, not {other}")
                check(f"decrypted from {other}: {body}")

        if cfg.get("send_first"):
            await send_all()
            await expect_all()
        else:
            await expect_all()
            await send_all()
        await sync(0)
        check("done")
    finally:
        await client.close()


def main() -> None:
    cfg = json.loads(Path(sys.argv[1]).read_text())
    switch_module(cfg["module"], ("vodozemac",))
    asyncio.run(asyncio.wait_for(client_main(cfg), cfg.get("timeout", TIMEOUT) + 30))


if __name__ == "__main__":
    main()
