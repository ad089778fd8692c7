"""Side-by-side pickle benchmark: olmpy against python-olm and vodozemac in their own formats.

Each row times pickle + unpickle of the same state, interleaved across implementations,
and prints medians and ratios (olmpy / peer).  Run: ``python benchmarks/compare_pickles.py
[--quick]``.
"""

from __future__ import annotations

import argparse

import olm
import vodozemac
from _harness import Runner, print_table

import olmpy
from olmpy import _backend

KEY = bytes(range(32))
PASS = "pickle passphrase"
WEAK = {"allow_weak_key": True}  # python-olm's passphrase is shorter than 32 bytes


def _account_with_keys(n: int) -> tuple[olmpy.Account, object, object]:
    mine = olmpy.Account()
    mine.generate_one_time_keys(n)
    theirs_olm = olm.Account()
    theirs_olm.generate_one_time_keys(n)
    theirs_vodo = vodozemac.Account()
    theirs_vodo.generate_one_time_keys(n)
    return mine, theirs_olm, theirs_vodo


def rows(count_igs: int) -> list[tuple[str, dict[str, Runner]]]:
    """(row name, {implementation: one pickle + unpickle})."""
    mine, theirs_olm, theirs_vodo = _account_with_keys(50)
    sender = olmpy.GroupSession()
    my_igs = [olmpy.InboundGroupSession(sender.session_key) for _ in range(count_igs)]
    olm_sender = olm.OutboundGroupSession()
    olm_igs = [olm.InboundGroupSession(olm_sender.session_key) for _ in range(count_igs)]
    vodo_sender = vodozemac.GroupSession()
    vodo_igs = [vodozemac.InboundGroupSession(vodo_sender.session_key) for _ in range(count_igs)]
    cls_a, cls_i = olmpy.Account, olmpy.InboundGroupSession
    table: list[tuple[str, dict[str, Runner]]] = [
        ("Account, 50 one-time keys: libolm format", {
            "olmpy": lambda: cls_a.from_libolm_pickle(mine.to_libolm_pickle(PASS, **WEAK), PASS),
            "python-olm": lambda: olm.Account.from_pickle(theirs_olm.pickle(PASS), PASS),
        }),
        ("Account, 50 one-time keys: olmpy format (32-byte key)", {
            "olmpy": lambda: cls_a.from_pickle(mine.pickle(KEY), KEY),
        }),
        (f"{count_igs} inbound group sessions: libolm format", {
            "olmpy": lambda: [cls_i.from_libolm_pickle(s.to_libolm_pickle(PASS, **WEAK), PASS)
                              for s in my_igs],
            "python-olm": lambda: [olm.InboundGroupSession.from_pickle(s.pickle(PASS), PASS)
                                   for s in olm_igs],
        }),
        (f"{count_igs} inbound group sessions: vodozemac format", {
            "olmpy": lambda: [cls_i.from_vodozemac_pickle(s.to_vodozemac_pickle(KEY), KEY)
                              for s in my_igs],
            "vodozemac": lambda: [vodozemac.InboundGroupSession.from_pickle(s.pickle(KEY), KEY)
                                  for s in vodo_igs],
        }),
        (f"{count_igs} inbound group sessions: olmpy format", {
            "olmpy": lambda: [cls_i.from_pickle(s.pickle(KEY), KEY) for s in my_igs],
        }),
    ]
    if hasattr(cls_a, "to_vodozemac_pickle"):
        table.insert(1, ("Account, 50 one-time keys: vodozemac format", {
            "olmpy": lambda: cls_a.from_vodozemac_pickle(
                mine.to_vodozemac_pickle(KEY), KEY),  # type: ignore[attr-defined]
            "vodozemac": lambda: vodozemac.Account.from_pickle(theirs_vodo.pickle(KEY), KEY),
        }))
    return table


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="few samples, for a smoke test")
    args = parser.parse_args()
    rounds = 5 if args.quick else 41
    count_igs = 20 if args.quick else 1000
    print(f"olmpy {olmpy.__version__} ({_backend.BACKEND}); medians of {rounds} interleaved "
          "rounds; pickle + unpickle, µs")
    print_table(rows(count_igs), rounds, 0.0002 if args.quick else 0.002)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
