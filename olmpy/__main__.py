"""Command line: ``python -m olmpy demo`` (the main job), ``bench``, ``dropin`` and
``hs-check`` (a homeserver's end-to-end encryption API, ``olmpy.testing.hs_check``)."""

from __future__ import annotations

import argparse
import hashlib
import runpy
import sys
from pathlib import Path

import olmpy
from olmpy import (
    DecryptionError,
    InboundGroupSession,
    OlmpyError,
    PkDecryption,
    Sas,
    backup,
    cli,
    testing,
)


def _seed(label: str, n: int) -> bytes:
    """Built-in, reproducible key material for the demo (never do this for real keys)."""
    out = b""
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(f"olmpy demo {label} {counter}".encode()).digest()
        counter += 1
    return out[:n]


def _short(text: str, n: int = 24) -> str:
    return text if len(text) <= n else text[:n] + "..."


def demo() -> int:
    """A room of three members using Megolm, step by step."""
    print(f"olmpy {olmpy.__version__} demo (backend: {olmpy.BACKEND})")
    print("A room with three members: Alice, Bob and Carol.\n")

    print("1. Each member creates an outbound Megolm session for the room.")
    outbound = {
        name: testing.group_session_from_parts(
            _seed(name + " ratchet", 128), 0, _seed(name + " key", 32)
        )
        for name in ("Alice", "Bob", "Carol")
    }
    for name, session in outbound.items():
        print(f"   {name:5} session id {session.session_id}")

    print("\n2. Alice and Bob share their session keys with each other (m.room_key, signed).")
    inbound: dict[tuple[str, str], InboundGroupSession] = {}
    for sender, receiver in [("Alice", "Bob"), ("Bob", "Alice")]:
        key = outbound[sender].session_key
        inbound[(receiver, sender)] = InboundGroupSession(key.to_base64())
        print(
            f"   {receiver} imports {sender}'s key at index {key.message_index} "
            f"({len(key.to_bytes())} bytes, signature checked)"
        )

    print("\n3. Alice and Bob talk; Carol has not joined yet.")
    history = []
    for sender, text in [
        ("Alice", "Hi Bob, the plan is on for Friday."),
        ("Bob", "Great, I will bring the maps."),
        ("Alice", "Carol is joining us soon."),
    ]:
        message = outbound[sender].encrypt(text.encode())
        wire = message.to_base64()
        history.append((sender, wire))
        receiver = "Bob" if sender == "Alice" else "Alice"
        result = inbound[(receiver, sender)].decrypt(wire)
        print(f"   {sender} sends index {message.message_index()}: {_short(wire)}")
        print(f"   {receiver} reads: {result.plaintext.decode()!r}")

    print("\n4. Carol joins. Alice shares her session at its current index, so Carol")
    print("   cannot read what was said before she joined.")
    exported = outbound["Alice"].session_key
    carol_alice = InboundGroupSession(exported)
    carol_bob = InboundGroupSession(outbound["Bob"].session_key)
    inbound[("Carol", "Alice")] = carol_alice
    inbound[("Carol", "Bob")] = carol_bob
    for member in ("Alice", "Bob"):
        inbound[(member, "Carol")] = InboundGroupSession(outbound["Carol"].session_key)
    print("   Carol shares her own session key with Alice and Bob.")
    print(f"   Carol's copy of Alice's session starts at index {carol_alice.first_known_index}")
    for sender, wire in history:
        try:
            inbound[("Carol", sender)].decrypt(wire)
            print(f"   Carol decrypted an old message from {sender} (unexpected!)")
        except DecryptionError as exc:
            print(f"   Carol cannot read an old message from {sender}: {type(exc).__name__}")

    print("\n5. Bob forwards Alice's key exported at index 1 (165-byte export, unsigned),")
    print("   so Carol can read the message that announced her, and nothing before it.")
    forwarded = inbound[("Bob", "Alice")].export_at(1)
    assert forwarded is not None
    late = InboundGroupSession.import_session(forwarded.to_base64())
    signed = late.created_from_signed_key
    print(f"   imported at index {late.first_known_index}, from a signed key: {signed}")
    text = late.decrypt(history[2][1]).plaintext.decode()
    signed = late.created_from_signed_key
    print(f"   Alice's message at index 1 now reads: {text!r}; from a signed key: {signed}")
    print("   (an exported key is unsigned and anyone could have made it, so decrypting")
    print("   never marks the session as from a signed key; only a signed m.room_key does)")
    try:
        late.decrypt(history[0][1])
    except DecryptionError as exc:
        print(f"   her message at index 0 stays unreadable: {type(exc).__name__}")

    print("\n6. Everyone talks.")
    for sender, text in [("Carol", "Hello both!"), ("Alice", "Welcome, Carol.")]:
        wire = outbound[sender].encrypt(text.encode()).to_base64()
        for receiver in ("Alice", "Bob", "Carol"):
            if receiver == sender:
                continue
            result = inbound[(receiver, sender)].decrypt(wire)
            print(
                f"   {receiver:5} reads {sender}'s message {result.message_index}: "
                f"{result.plaintext.decode()!r}"
            )

    print("\n7. Someone flips one bit of Alice's next message on its way to Bob.")
    good = outbound["Alice"].encrypt(b"See you on Friday.").to_bytes()
    tampered = bytearray(good)
    tampered[10] ^= 0x01
    try:
        inbound[("Bob", "Alice")].decrypt(olmpy.MegolmMessage.from_bytes(bytes(tampered)))
        print("   the tampered message decrypted (this must never happen)")
        return 1
    except OlmpyError as exc:
        print(f"   Bob rejects it: {type(exc).__name__}: {exc}")
    result = inbound[("Bob", "Alice")].decrypt(olmpy.MegolmMessage.from_bytes(good))
    print(f"   the untouched message still decrypts: {result.plaintext.decode()!r}")

    print("\n8. Bob backs his copy of Alice's session up to the server (key backup), then")
    print("   restores it on a new device from the recovery key he wrote down.")
    backup_key = PkDecryption.from_key(_seed("Bob backup key", 32))
    recovery_key = backup_key.to_recovery_key()
    print(f"   recovery key: {recovery_key[:14]}... ({len(recovery_key.split())} groups)")
    bob_alice = inbound[("Bob", "Alice")]
    alice_device = testing.account_from_parts(
        _seed("Alice Ed25519", 32), _seed("Alice Curve25519", 32)
    )
    body = backup.key_backup_data(
        testing.pk_encryption(
            backup_key.public_key, rng=lambda n: _seed("Bob backup ephemeral", n)
        ),
        bob_alice,
        sender_key=alice_device.curve25519_key,
        sender_claimed_keys={"ed25519": alice_device.ed25519_key},
    )
    print(f"   uploaded session_data: {_short(body['session_data']['ciphertext'])}")
    restored = backup.decrypt_key_backup_data(
        PkDecryption.from_recovery_key(recovery_key), body, session_id=bob_alice.session_id
    )
    restored_session = restored.room_key.session()
    wire = outbound["Alice"].encrypt(b"Backups work too.").to_base64()
    print(f"   the restored session reads Alice's next message: "
          f"{restored_session.decrypt(wire).plaintext.decode()!r}")

    print("\n9. Alice and Bob verify each other's devices with emoji (SAS).")
    alice_sas, bob_sas = Sas(), Sas()
    alice_est = alice_sas.diffie_hellman(bob_sas.public_key)
    bob_est = bob_sas.diffie_hellman(alice_sas.public_key)
    info = "MATRIX_KEY_VERIFICATION_SAS|demo"
    alice_sees = [name for _, name in alice_est.bytes(info).emojis]
    bob_sees = [name for _, name in bob_est.bytes(info).emojis]
    print(f"   Alice sees: {', '.join(alice_sees)}")
    print(f"   Bob sees the same: {alice_sees == bob_sees}")
    mac = alice_est.calculate_mac("Alice's Ed25519 key", "MATRIX_KEY_VERIFICATION_MAC|demo")
    bob_est.verify_mac("Alice's Ed25519 key", "MATRIX_KEY_VERIFICATION_MAC|demo", mac)
    print("   Bob checks Alice's key MAC: it verifies")
    print("\nDone: every message was read by exactly the members holding its keys.")
    return 0


def bench(argv: list[str]) -> int:
    """Runs the side-by-side benchmark from a source checkout."""
    script = Path(__file__).resolve().parent.parent / "benchmarks" / "compare.py"
    if not script.exists():
        print("benchmarks/compare.py is not next to this olmpy (run from a source checkout)")
        return 2
    sys.argv = [str(script), *argv]
    runpy.run_path(str(script), run_name="__main__")
    return 0


def dropin(argv: list[str]) -> int:
    """Builds the drop-in wheel that installs olmpy in place of python-olm or vodozemac."""
    from olmpy.compat.dropin import build_wheel

    parser = argparse.ArgumentParser(
        prog="python -m olmpy dropin",
        description="Write a wheel that pip installs in place of python-olm or vodozemac.",
    )
    parser.add_argument("module", choices=["olm", "vodozemac"], help="the module to replace")
    parser.add_argument("--out", default=".", help="directory for the wheel (default: .)")
    args = parser.parse_args(argv)
    print(build_wheel(args.module, args.out))
    return 0


_OTHER_COMMANDS = """\
other commands:
  demo       a room of three members, a late key, a tampered message, a backup, SAS emoji
  bench      olmpy against python-olm and vodozemac here (from a source checkout)
  dropin     build a wheel that installs olmpy in place of python-olm or vodozemac
  hs-check   check a homeserver's end-to-end encryption API (URL; see hs-check --help)

"""


def main(argv: list[str] | None = None) -> int:
    """Entry point for ``python -m olmpy`` and the ``olmpy`` command."""
    prog = Path(sys.argv[0]).name if argv is None else "olmpy"
    if prog in ("__main__.py", "-c", ""):
        prog = "python -m olmpy"
    parser = argparse.ArgumentParser(
        prog=prog, epilog=_OTHER_COMMANDS + cli.HELP,
        description="End-to-end encryption for Matrix (Olm, Megolm, backups, exports) "
                    f"from the shell.\nolmpy {olmpy.__version__}, backend {olmpy.BACKEND}.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "command", choices=["demo", "bench", "dropin", "hs-check", *cli.COMMANDS],
        metavar="COMMAND", help="one of: " + ", ".join(
            ["demo", "bench", "dropin", "hs-check", *cli.COMMANDS]),
    )
    parser.add_argument("rest", nargs=argparse.REMAINDER, metavar="ARGS",
                        help="the command's own arguments (COMMAND --help lists them)")
    args = parser.parse_args(argv)
    if args.command in cli.COMMANDS:
        return cli.main([args.command, *args.rest])
    if args.command == "demo":
        return demo()
    if args.command == "dropin":
        return dropin(args.rest)
    if args.command == "hs-check":
        from olmpy.testing.hs_check import main as hs_check

        return hs_check(args.rest)
    return bench(args.rest)


if __name__ == "__main__":
    sys.exit(main())
