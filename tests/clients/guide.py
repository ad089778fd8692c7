"""Follows the README's switching guide, as written, in fresh virtual environments.

For each recipe (a ```sh block after a ``<!-- guide: NAME -->`` marker in README.md):
1. a fresh venv gets the program the recipe is for, from the registry, with the real module
   it imports (matrix-nio 0.26 pulls vodozemac; mautrix[encryption] pulls python-olm);
2. the recipe's lines run verbatim under bash, with the venv activated (PATH and
   VIRTUAL_ENV, as ``source bin/activate`` sets them); ``pip install olmpy`` is served by a
   wheel of this checkout, offered through PIP_FIND_LINKS (olmpy is not on the registry);
3. checks that can fail: the recipe's last line prints olmpy's module name; pip lists the
   replaced distribution with olmpy's local version; ``pip check`` finds every requirement
   met; and the client program itself loads its E2EE support and uses the module.

Usage: python tests/clients/guide.py [--keep]   (exit status 0 only if every recipe passed)
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]

# What each recipe is for: the client installed first, the module name printed at the end,
# the distribution the drop-in replaces, and a program run through the client afterwards.
RECIPES: dict[str, dict[str, str]] = {
    "vodozemac": {
        "client": "matrix-nio[e2e]==0.26.0",
        "prints": "olmpy.compat.vodozemac",
        "distribution": "vodozemac",
        "program": (
            "import nio.crypto, vodozemac\n"
            "assert nio.crypto.ENCRYPTION_ENABLED, 'nio did not enable E2EE'\n"
            "from nio.crypto import OlmDevice\n"
            "account = vodozemac.Account()\n"
            "restored = vodozemac.Account.from_pickle(account.pickle(b'k' * 32), b'k' * 32)\n"
            "assert restored.ed25519_key.to_base64() == account.ed25519_key.to_base64()\n"
            "assert type(account).__module__.startswith('olmpy.'), type(account).__module__\n"
            "print('nio', nio.__version__ if hasattr(nio, '__version__') else '0.26',"
            " 'E2EE on olmpy: account pickled and restored')\n"
        ),
    },
    "olm": {
        "client": "mautrix[encryption]==0.21.1",
        "prints": "olmpy.compat.olm",
        "distribution": "python-olm",
        "program": (
            "import mautrix.crypto, olm\n"
            "from mautrix.crypto import OlmAccount\n"
            "account = OlmAccount()\n"
            "assert isinstance(account, olm.Account)\n"
            "assert type(account).__mro__[1].__module__.startswith('olmpy.'),"
            " type(account).__mro__\n"
            "pickle = account.pickle('passphrase')\n"
            "again = OlmAccount.from_pickle(pickle, 'passphrase', shared=False)\n"
            "assert again.identity_keys == account.identity_keys\n"
            "print('mautrix.crypto on olmpy: OlmAccount pickled and restored')\n"
        ),
    },
}


def recipes_from_readme() -> dict[str, list[str]]:
    """The shell lines of each ``<!-- guide: NAME -->`` block in README.md."""
    text = (CHECKOUT / "README.md").read_text()
    found = {}
    for match in re.finditer(r"<!-- guide: (\w+) -->\n```sh\n(.*?)```", text, re.S):
        found[match.group(1)] = [ln for ln in match.group(2).splitlines() if ln.strip()]
    return found


def run(cmd: list[str] | str, *, env: dict[str, str] | None = None, cwd: Path | None = None,
        timeout: float = 600, shell: bool = False) -> str:
    """Runs a command, echoes it, and returns its stdout; raises on failure."""
    shown = cmd if isinstance(cmd, str) else " ".join(cmd)
    print(f"  $ {shown}", flush=True)
    result = subprocess.run(
        cmd, env=env, cwd=cwd, timeout=timeout, shell=shell, text=True,
        capture_output=True, executable="/bin/bash" if shell else None,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"command failed ({result.returncode}): {shown}\n{result.stdout}\n{result.stderr}"
        )
    return result.stdout


def follow(name: str, lines: list[str], wheels: Path, work: Path) -> None:
    """Follows one recipe in a fresh venv; raises AssertionError/RuntimeError on any miss."""
    recipe = RECIPES[name]
    venv = work / f"venv-{name}"
    run([sys.executable, "-m", "venv", str(venv)])
    bindir = venv / "bin"
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env["VIRTUAL_ENV"] = str(venv)
    env["PATH"] = f"{bindir}{os.pathsep}{env.get('PATH', '')}"
    env["PIP_FIND_LINKS"] = " ".join(filter(None, [env.get("PIP_FIND_LINKS", ""), str(wheels)]))
    run(["pip", "install", "-q", recipe["client"]], env=env)

    cwd = work / f"cwd-{name}"
    cwd.mkdir()
    output = run("set -euo pipefail\n" + "\n".join(lines), env=env, cwd=cwd, shell=True)
    last = output.strip().splitlines()[-1] if output.strip() else ""
    assert last == recipe["prints"], f"the recipe printed {last!r}, not {recipe['prints']!r}"

    listed = run(["pip", "list", "--format=freeze"], env=env)
    pins = dict(line.split("==", 1) for line in listed.splitlines() if "==" in line)
    version = pins.get(recipe["distribution"], "")
    assert "+olmpy." in version, f"{recipe['distribution']} is {version!r}, not olmpy's drop-in"
    print(run(["pip", "check"], env=env).strip())
    print(run(["python", "-c", recipe["program"]], env=env, cwd=cwd).strip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    recipes = recipes_from_readme()
    missing = set(RECIPES) - set(recipes)
    if missing:
        print(f"README.md lacks the guide block(s) {sorted(missing)}")
        return 1
    work = Path(tempfile.mkdtemp(prefix="olmpy-guide-"))
    failures = 0
    try:
        wheels = work / "wheels"
        started = time.monotonic()
        run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels),
             str(CHECKOUT)])
        print(f"olmpy wheel built in {time.monotonic() - started:.0f} s")
        for name, lines in recipes.items():
            started = time.monotonic()
            print(f"recipe {name!r}:", flush=True)
            try:
                follow(name, lines, wheels, work)
            except (AssertionError, RuntimeError, subprocess.TimeoutExpired) as err:
                failures += 1
                print(f"recipe {name!r} FAILED: {err}")
            else:
                print(f"recipe {name!r} passed in {time.monotonic() - started:.0f} s")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"switching guide: {len(recipes) - failures}/{len(recipes)} recipes passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
