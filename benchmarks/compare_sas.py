"""Side-by-side SAS benchmark: olmpy against python-olm (libolm) and vodozemac.

Each row times one SAS operation, interleaved across implementations in one
process (the starting implementation rotates each round); the reported figure is
the median over rounds of the per-call time, and the ratio is olmpy / peer.  An
inner loop count makes each sample last roughly a millisecond, so the timer's
resolution does not dominate.  olmpy runs on the active backend (set
OLMPY_BACKEND=python for the pure twin).  Before timing, the outputs of each row
are checked equal across implementations.

Run: ``python benchmarks/compare_sas.py [--quick]``.
"""

from __future__ import annotations

import argparse

import olm
import vodozemac
from _harness import Runner, print_table

import olmpy
from olmpy import _backend
from olmpy import sas as osas

INFO = (
    "MATRIX_KEY_VERIFICATION_SAS|@alice:example.org|ALICEDEVICE|"
    "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo|@bob:example.org|BOBDEVICE|"
    "3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08|txn-0001"
)
MAC_INFO = (
    "MATRIX_KEY_VERIFICATION_MAC@alice:example.orgALICEDEVICE@bob:example.orgBOBDEVICE"
    "txn-0001ed25519:ALICEDEVICE"
)
MAC_INPUT = "qRLxkbGqjqjNl28pPJvafsDoW4i2ctEjMuZcxD8VYFg"


def rows() -> list[tuple[str, dict[str, Runner]]]:
    """(row name, {implementation: one call}); all three share one shared secret."""
    mine = osas.Sas()
    libolm = olm.Sas()
    vsas = vodozemac.Sas()
    libolm.set_their_pubkey(mine.public_key.to_base64())
    est = mine.diffie_hellman(libolm.pubkey)
    # vodozemac gets its own secret with olmpy (its key cannot be fixed), checked separately.
    mine2 = osas.Sas()
    est2 = mine2.diffie_hellman(vsas.public_key.to_base64())
    vest = vsas.diffie_hellman(vodozemac.Curve25519PublicKey.from_base64(
        mine2.public_key.to_base64()))

    peer_b64 = osas.Sas().public_key.to_base64()
    peer_obj = osas.Sas().public_key
    vpeer = vodozemac.Curve25519PublicKey.from_base64(peer_obj.to_base64())

    def libolm_handshake() -> object:
        s = olm.Sas()
        s.set_their_pubkey(peer_b64)
        return s

    v2_tag = est2.calculate_mac(MAC_INPUT, MAC_INFO)

    def check() -> None:
        assert est.bytes_raw(INFO, 6) == libolm.generate_bytes(INFO, 6)
        assert est.calculate_mac(MAC_INPUT, MAC_INFO) == libolm.calculate_mac_fixed_base64(
            MAC_INPUT, MAC_INFO)
        assert est.calculate_mac_invalid_base64(MAC_INPUT, MAC_INFO) == libolm.calculate_mac(
            MAC_INPUT, MAC_INFO)
        assert est.calculate_mac_long_kdf(MAC_INPUT, MAC_INFO) == libolm.calculate_mac_long_kdf(
            MAC_INPUT, MAC_INFO)
        b, vb = est2.bytes(INFO), vest.bytes(INFO)
        assert b.emoji_indices == vb.emoji_indices and b.decimals == tuple(vb.decimals)
        assert v2_tag == vest.calculate_mac(MAC_INPUT, MAC_INFO)
        assert est2.calculate_mac_invalid_base64(
            MAC_INPUT, MAC_INFO) == vest.calculate_mac_invalid_base64(MAC_INPUT, MAC_INFO)

    check()

    def olmpy_display() -> object:
        b = est2.bytes(INFO)
        return b.emoji_indices, b.decimals

    def vodo_display() -> object:
        b = vest.bytes(INFO)
        return b.emoji_indices, b.decimals

    return [
        ("Sas() + diffie_hellman (key from base64)", {
            "olmpy": lambda: osas.Sas().diffie_hellman(peer_b64),
            "python-olm": libolm_handshake,
            "vodozemac": lambda: vodozemac.Sas().diffie_hellman(
                vodozemac.Curve25519PublicKey.from_base64(peer_b64)),
        }),
        ("Sas() + diffie_hellman (key object)", {
            "olmpy": lambda: osas.Sas().diffie_hellman(peer_obj),
            "vodozemac": lambda: vodozemac.Sas().diffie_hellman(vpeer),
        }),
        ("6 SAS bytes for an info string", {
            "olmpy": lambda: est.bytes_raw(INFO, 6),
            "python-olm": lambda: libolm.generate_bytes(INFO, 6),
            "vodozemac": lambda: vest.bytes(INFO),
        }),
        ("bytes(info) -> emoji indices + decimals", {
            "olmpy": olmpy_display,
            "vodozemac": vodo_display,
        }),
        ("calculate_mac hkdf-hmac-sha256.v2", {
            "olmpy": lambda: est.calculate_mac(MAC_INPUT, MAC_INFO),
            "python-olm": lambda: libolm.calculate_mac_fixed_base64(MAC_INPUT, MAC_INFO),
            "vodozemac": lambda: vest.calculate_mac(MAC_INPUT, MAC_INFO),
        }),
        ("calculate_mac hkdf-hmac-sha256 (libolm base64)", {
            "olmpy": lambda: est.calculate_mac_invalid_base64(MAC_INPUT, MAC_INFO),
            "python-olm": lambda: libolm.calculate_mac(MAC_INPUT, MAC_INFO),
            "vodozemac": lambda: vest.calculate_mac_invalid_base64(MAC_INPUT, MAC_INFO),
        }),
        ("calculate_mac hmac-sha256 (long KDF)", {
            "olmpy": lambda: est.calculate_mac_long_kdf(MAC_INPUT, MAC_INFO),
            "python-olm": lambda: libolm.calculate_mac_long_kdf(MAC_INPUT, MAC_INFO),
        }),
        ("verify_mac hkdf-hmac-sha256.v2", {
            "olmpy": lambda: est2.verify_mac(MAC_INPUT, MAC_INFO, v2_tag),
            "vodozemac": lambda: vest.verify_mac(MAC_INPUT, MAC_INFO, v2_tag),
        }),
    ]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="few samples, for a smoke test")
    args = parser.parse_args()
    rounds = 5 if args.quick else 41
    print(f"olmpy {olmpy.__version__} ({_backend.BACKEND}); medians of {rounds} interleaved "
          "rounds; µs per call")
    print_table(rows(), rounds, 0.0002 if args.quick else 0.001, digits=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
