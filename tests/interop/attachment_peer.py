"""Runs in a Python with matrix-nio and mautrix (tests/interop/test_attachments_interop.py
starts it; it imports no olmpy code).  Two modes, files in a work directory:

  encrypt DIR   reads DIR/sizes.json, encrypts plaintext(size) with nio and with mautrix and
                writes DIR/<lib>-<size>.bin (ciphertext) and DIR/peers.json (each file info)
  decrypt DIR   reads DIR/olmpy.json (file infos of DIR/olmpy-<size>.bin), decrypts each with
                nio and with mautrix and writes DIR/decrypted.json: the SHA-256 of every
                plaintext, or the error class name a library raised
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path


def plaintext(size: int) -> bytes:
    """The bytes of a test file of ``size``: SHA-256 in counter mode over the size (the
    test imports this function too, so both sides make the same plaintext)."""
    out = bytearray()
    block = 0
    while len(out) < size:
        out += hashlib.sha256(b"%d:%d" % (size, block)).digest()
        block += 1
    return bytes(out[:size])


def encrypt(work: Path) -> None:
    from mautrix.crypto.attachments import encrypt_attachment as mautrix_encrypt
    from nio.crypto.attachments import encrypt_attachment as nio_encrypt

    infos = {}
    for size in json.loads((work / "sizes.json").read_text()):
        data = plaintext(size)
        ciphertext, info = nio_encrypt(data)
        (work / f"nio-{size}.bin").write_bytes(ciphertext)
        infos[f"nio-{size}"] = info
        ciphertext, file = mautrix_encrypt(data)
        (work / f"mautrix-{size}.bin").write_bytes(ciphertext)
        infos[f"mautrix-{size}"] = file.serialize()
    (work / "peers.json").write_text(json.dumps(infos))


def decrypt(work: Path) -> None:
    from mautrix.crypto.attachments import decrypt_attachment as mautrix_decrypt
    from nio.crypto.attachments import decrypt_attachment as nio_decrypt

    results = {}
    for name, info in json.loads((work / "olmpy.json").read_text()).items():
        ciphertext = (work / f"{name}.bin").read_bytes()
        args = (info["key"]["k"], info["hashes"]["sha256"], info["iv"])
        for lib, fn in (("nio", nio_decrypt), ("mautrix", mautrix_decrypt)):
            try:
                results[f"{lib}:{name}"] = hashlib.sha256(fn(ciphertext, *args)).hexdigest()
            except Exception as exc:  # the class name is the answer
                results[f"{lib}:{name}"] = type(exc).__name__
    (work / "decrypted.json").write_text(json.dumps(results))


if __name__ == "__main__":
    {"encrypt": encrypt, "decrypt": decrypt}[sys.argv[1]](Path(sys.argv[2]))
