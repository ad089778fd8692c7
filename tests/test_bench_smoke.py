"""Smoke test of the side-by-side benchmark; timing is reported there, never asserted here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import needs
import pytest

pytest.importorskip("olm")
pytest.importorskip("vodozemac")

COMPARE = Path(__file__).resolve().parent.parent / "benchmarks" / "compare.py"
IMPLS = ("olmpy native", "olmpy pure", "python-olm", "vodozemac")
OPERATIONS = (
    "outbound session creation",
    "encrypt 100 B -> base64",
    "encrypt 64 KiB -> base64",
    "decrypt 100 B from base64",
    "decrypt 64 KiB from base64",
    "inbound from signed session key",
    "import exported key",
    "decrypt at 2**20, fresh import at 0",
    "decrypt at 2**20, new signing key per call",
    "session_key export -> base64",
    "export_at(1000), fresh import at 0",
    "Olm Account()",
    "Olm Account() + 100 one-time keys -> base64",
    "Olm outbound session from key strings",
    "Olm inbound session from pre-key msg + decrypt",
    "Olm encrypt + decrypt 100 B, same chain",
    "Olm 3 messages A->B->A->B, 2 ratchet turns",
)


def test_compare_quick_reports_every_operation_for_all_four(tmp_path: Path) -> None:
    """compare.py --quick exits 0 and prints one timed row per operation for all four."""
    needs.native()
    out_json = tmp_path / "compare.json"
    proc = subprocess.run(
        [sys.executable, str(COMPARE), "--quick", "--json", str(out_json)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.splitlines()
    header = next(line for line in lines if line.startswith("| operation"))
    for impl in IMPLS:
        assert f"{impl} µs" in header
    table = [[c.strip() for c in line.strip("|").split("|")] for line in lines if line[:2] == "| "]
    for op in OPERATIONS:
        rows = [cells for cells in table if cells[0] == op]
        assert len(rows) == 1, f"no single row for {op!r}"
        cells = rows[0]
        times = cells[1 : 1 + len(IMPLS)]
        assert all(float(t.replace(",", "")) > 0 for t in times), rows[0]
        assert all(c.endswith(("PASS", "MISS")) for c in cells[1 + len(IMPLS) :]), rows[0]
    doc = json.loads(out_json.read_text(encoding="utf-8"))
    assert [o["label"] for o in doc["operations"]] == list(OPERATIONS)
    for o in doc["operations"]:
        assert set(o["results"]) == set(IMPLS)
        if o["label"].startswith("Olm "):
            assert o["target_python-olm"] == 0.5, o["label"]
            # 1.25x where elliptic-curve work dominates, 1.0x on the symmetric-only chain row
            want = 1.0 if o["key"] == "olm_chain" else 1.25
            assert o["target_vodozemac"] == want, o["label"]


@pytest.mark.parametrize(
    ("script", "rows"),
    [
        ("compare_pickles.py", ["Account, 50 one-time keys: libolm format",
                                "Account, 50 one-time keys: vodozemac format",
                                "inbound group sessions: vodozemac format"]),
        ("compare_pk.py", ["PK encrypt 100 B -> base64", "PK decrypt 100 B from base64",
                           "backup one session (KeyBackupData)"]),
        ("compare_key_export.py", ["PBKDF2", "export, streamed to a null sink"]),
    ],
)
def test_other_benchmarks_quick(script: str, rows: list[str]) -> None:
    """Each side-by-side script runs with --quick and prints a timed row for each operation."""
    path = COMPARE.parent / script
    proc = subprocess.run([sys.executable, str(path), "--quick"], capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    table = [line for line in proc.stdout.splitlines() if line.startswith("| ")]
    for row in rows:
        hits = [line for line in table if row in line]
        assert hits, f"{script}: no row {row!r}"
        numbers = [c.strip().replace(",", "") for c in hits[0].strip("|").split("|")[1:]]
        assert any(n.replace(".", "", 1).isdigit() and float(n) > 0 for n in numbers), hits[0]


CURVE = COMPARE.parent / "compare_curve.py"


def test_compare_curve_quick_runs_each_mode(tmp_path: Path) -> None:
    """compare_curve.py --quick runs the three curve modes, each reporting the code it ran,
    and every row has a time for olmpy and its peers in every mode."""
    needs.native()
    out_json = tmp_path / "curve.json"
    proc = subprocess.run([sys.executable, str(CURVE), "--quick", "--json", str(out_json)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = json.loads(out_json.read_text())
    assert data["libsodium"]["curve_impl"] == 0
    assert data["own radix 2^51"]["curve_impl"] == 1
    assert data["own"]["curve_impl"] in (1, 2, 3)
    rows = data["own"]["rows"]
    assert len(rows) == 15 and "outbound session creation" in rows
    for mode in ("own", "own radix 2^51", "libsodium"):
        assert data[mode]["rows"].keys() == rows.keys()
        for name, times in data[mode]["rows"].items():
            assert "olmpy" in times and len(times) >= 2, (mode, name)
            assert all(t > 0 for t in times.values()), (mode, name)
