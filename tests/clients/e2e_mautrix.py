"""One mautrix 0.21.1 client (``OlmMachine``) of the end-to-end flows, on python-olm or olmpy.

Run by :mod:`e2e_flows` in the clients venv, one process per client and phase:

    python e2e_mautrix.py CONFIG.json

The same CONFIG as :mod:`e2e_nio`; ``dropin`` switches ``olm`` and ``_libolm`` to olmpy.
State: mautrix's crypto store (``PgCryptoStore``, which also keeps the sync token) and
state store (``PgStateStore``), both in one SQLite file.  History from earlier phases is
fetched with ``/messages`` and decrypted with the inbound sessions in the store.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

from e2e_common import TIMEOUT, check, fail, switch_module, write_atomically

PICKLE_KEY = "olmpy e2e flows"


async def client_main(cfg: dict[str, Any]) -> None:
    from mautrix.client import Client  # after the module switch
    from mautrix.client.state_store.asyncpg import PgStateStore
    from mautrix.crypto import OlmMachine, PgCryptoStore
    from mautrix.types import (
        EncryptedEvent,
        EventType,
        Membership,
        MessageEvent,
        PaginationDirection,
    )
    from mautrix.util.async_db import Database

    state = Path(cfg["state"]).resolve()
    state.mkdir(parents=True, exist_ok=True)
    ident_file = state / "login.json"  # its presence tells the flow this is a restart
    user, other = cfg["user"], cfg["peer_user"]
    deadline = time.monotonic() + cfg.get("timeout", TIMEOUT)

    # One SQLite file for both stores: mautrix reuses the connection of a transaction in
    # progress (a context variable), so a state-store query made inside a crypto-store
    # transaction runs on the crypto database's connection and needs its tables there.
    db_url = f"sqlite://{state / 'mautrix.db'}"
    state_db = Database.create(db_url, upgrade_table=PgStateStore.upgrade_table)
    crypto_db = Database.create(db_url, upgrade_table=PgCryptoStore.upgrade_table)
    await state_db.start()
    await crypto_db.start()
    state_store = PgStateStore(state_db)
    crypto_store = PgCryptoStore(user, PICKLE_KEY, crypto_db)
    client = Client(mxid=user, base_url=cfg["homeserver"], state_store=state_store,
                    sync_store=crypto_store)
    machine = OlmMachine(client, crypto_store, state_store)
    client.crypto = machine
    decrypted: dict[str, str] = {}  # body -> sender

    async def on_message(evt: MessageEvent) -> None:
        info = evt.get("mautrix") or {}
        if info.get("was_encrypted") and isinstance(getattr(evt.content, "body", None), str):
            decrypted[evt.content.body] = evt.sender

    client.add_event_handler(EventType.ROOM_MESSAGE, on_message)

    async def wait(cond_name: str, cond: Any) -> None:
        while not await cond():
            if time.monotonic() > deadline:
                fail(f"timed out waiting for {cond_name}; decrypted so far {sorted(decrypted)}")
            await asyncio.sleep(0.3)

    try:
        await crypto_store.open()
        device_id = await crypto_store.get_device_id()
        await client.login(identifier=user.split(":")[0][1:], password=cfg["password"],
                           device_name=cfg["name"], device_id=device_id,
                           store_access_token=True)
        await machine.load()
        assert machine.account is not None
        ed25519 = machine.account.signing_key
        if device_id:
            saved = json.loads(ident_file.read_text())
            if client.device_id != device_id or ed25519 != saved["ed25519"]:
                fail(f"store reopened with another device/account: {client.device_id} "
                     f"{ed25519} != {device_id} {saved['ed25519']}")
            if not machine.account.shared:
                fail("the reopened account does not remember that its keys were uploaded")
            check(f"store reopened: device {device_id} ed25519 {ed25519}")
        else:
            await crypto_store.put_device_id(client.device_id)
            await machine.share_keys()
            ident_file.write_text(json.dumps({"ed25519": ed25519}))
            check(f"logged in: device {client.device_id}")
        sync_task = client.start(None)

        room_file = Path(cfg["room_file"])
        if cfg.get("create_room") and not room_file.exists():
            room_id = await client.create_room(
                invitees=[other],
                initial_state=[{"type": "m.room.encryption", "state_key": "",
                                "content": {"algorithm": "m.megolm.v1.aes-sha2"}}],
            )
            write_atomically(room_file, room_id)
            check(f"created encrypted room {room_id}")

        async def have_room() -> bool:
            return room_file.exists()

        await wait("the room", have_room)
        room_id = room_file.read_text()
        me = await state_store.get_member(room_id, user)
        if me is None or me.membership != Membership.JOIN:
            await client.join_room(room_id)
            check(f"joined {room_id}")

        async def both_joined() -> bool:
            peer = await state_store.get_member(room_id, other)
            return bool(await state_store.is_encrypted(room_id)) and (
                peer is not None and peer.membership == Membership.JOIN)

        await wait("the peer to join", both_joined)
        check(f"room is encrypted and {other} has joined")

        history = cfg.get("history", [])
        if history:
            page = await client.get_messages(room_id, PaginationDirection.BACKWARD, limit=100)
            from_store: dict[str, str] = {}
            for evt in page.events:
                if isinstance(evt, EncryptedEvent):
                    try:
                        clear = await machine.decrypt_megolm_event(evt)
                    except Exception as e:  # reported below if a wanted body is missing
                        print(f"history: {evt.event_id} from {evt.sender}: {e!r}", flush=True)
                        continue
                    body = getattr(clear.content, "body", None)
                    if isinstance(body, str):
                        from_store[body] = clear.sender
            for body in history:
                if from_store.get(body) != other:
                    fail(f"history {body!r} not decrypted from {other}: {sorted(from_store)}")
                check(f"history from the store decrypted: {body}")

        async def send_all() -> None:
            for body in cfg.get("send", []):
                await client.send_text(room_id, body)
                check(f"sent encrypted: {body}")

        async def expect_all() -> None:
            for body in cfg.get("expect", []):
                async def got(body: str = body) -> bool:
                    return body in decrypted

                await wait(repr(body), got)
                if decrypted[body] != other:
                    fail(f"{body!r} came from {decrypted[body]}, not {other}")
                check(f"decrypted from {other}: {body}")

        if cfg.get("send_first"):
            await send_all()
            await expect_all()
        else:
            await expect_all()
            await send_all()
        client.stop()
        sync_task.cancel()
        check("done")
    finally:
        client.stop()
        await client.api.session.close()
        await crypto_db.stop()
        await state_db.stop()


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    cfg = json.loads(Path(sys.argv[1]).read_text())
    switch_module(cfg["module"], ("olm", "_libolm"))
    asyncio.run(asyncio.wait_for(client_main(cfg), cfg.get("timeout", TIMEOUT) + 30))


if __name__ == "__main__":
    main()
