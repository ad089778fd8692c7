"""Write the published test vectors under vectors/published/ after checking each one.

Covers RFC 5869 (HKDF-SHA-256), RFC 4231 (HMAC-SHA-256), FIPS 180-2 (SHA-256),
NIST SP 800-38A (AES-256-CBC), RFC 7748 (X25519) and RFC 8032 (Ed25519).

Every value below was typed in from the standard named next to it.  Before a file is
written, each vector is recomputed with an independent reference implementation
(hashlib/hmac, pyca/cryptography, PyNaCl); a vector that does not reproduce is a typing
mistake and aborts the run instead of being written.

Also writes vectors/aes256_cbc_pkcs7_cryptography.json: AES-256-CBC vectors WITH PKCS#7
padding, which no standard publishes; they are produced by pyca/cryptography (OpenSSL) from
fixed inputs and are labelled as generated.

Run: /work/venv/bin/python vectors/generate_published.py
"""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import nacl.bindings
import nacl.signing
from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

HERE = Path(__file__).resolve().parent
PUBLISHED = HERE / "published"


def _h(text: str) -> bytes:
    """Parse hex written with arbitrary whitespace."""
    return bytes.fromhex("".join(text.split()))


def write_json(path: Path, data: Any) -> None:
    """Write sorted, indented JSON with a trailing newline."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------
# RFC 5869, Appendix A.1-A.3 (HKDF with SHA-256)
# ---------------------------------------------------------------------------
def hkdf_rfc5869() -> dict[str, Any]:
    cases = [
        {
            "id": "rfc5869-a1-basic",
            "source": "RFC 5869 Appendix A.1 (Test Case 1)",
            "ikm": "0b" * 22,
            "salt": "000102030405060708090a0b0c",
            "info": "f0f1f2f3f4f5f6f7f8f9",
            "length": 42,
            "prk": "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
            "okm": "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
            "34007208d5b887185865",
        },
        {
            "id": "rfc5869-a2-long-inputs",
            "source": "RFC 5869 Appendix A.2 (Test Case 2)",
            "ikm": bytes(range(0x00, 0x50)).hex(),
            "salt": bytes(range(0x60, 0xB0)).hex(),
            "info": bytes(range(0xB0, 0x100)).hex(),
            "length": 82,
            "prk": "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
            "okm": "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
            "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
            "cc30c58179ec3e87c14c01d5c1f3434f1d87",
        },
        {
            "id": "rfc5869-a3-empty-salt-info",
            "source": "RFC 5869 Appendix A.3 (Test Case 3)",
            "ikm": "0b" * 22,
            "salt": "",
            "info": "",
            "length": 42,
            "prk": "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
            "okm": "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
            "9d201395faa4b61a96c8",
        },
    ]
    for c in cases:
        salt, ikm, info = _h(c["salt"]), _h(c["ikm"]), _h(c["info"])
        prk = hmac.new(salt or bytes(32), ikm, hashlib.sha256).digest()
        assert prk.hex() == c["prk"], c["id"]
        okm = HKDF(hashes.SHA256(), c["length"], salt or None, info).derive(ikm)
        assert okm.hex() == c["okm"], c["id"]
        assert len(okm) == c["length"]
    return {
        "algorithm": "HKDF-SHA-256",
        "source": "RFC 5869, Appendix A, test cases 1-3",
        "encoding": "all byte strings are lowercase hex; length is L in bytes",
        "cases": cases,
    }


# ---------------------------------------------------------------------------
# NIST SP 800-38A, F.2.5 (CBC-AES256.Encrypt) and F.2.6 (CBC-AES256.Decrypt)
# ---------------------------------------------------------------------------
SP800_38A_KEY = "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4"
SP800_38A_IV = "000102030405060708090a0b0c0d0e0f"
SP800_38A_PT = [
    "6bc1bee22e409f96e93d7e117393172a",
    "ae2d8a571e03ac9c9eb76fac45af8e51",
    "30c81c46a35ce411e5fbc1191a0a52ef",
    "f69f2445df4f9b17ad2b417be66c3710",
]
SP800_38A_CT = [
    "f58c4c04d6e5f1ba779eabfb5f7bfbd6",
    "9cfc4e967edb808d679f777bc6702c7d",
    "39f23369a9d9bacfa530e26304231461",
    "b2eb05e2c39be9fcda6c19078c6a9d1b",
]


def _cbc_raw(key: bytes, iv: bytes, data: bytes, encrypt: bool) -> bytes:
    cipher = Cipher(algorithms.AES(key), modes.CBC(iv))
    ctx = cipher.encryptor() if encrypt else cipher.decryptor()
    return ctx.update(data) + ctx.finalize()


def aes_sp800_38a() -> dict[str, Any]:
    cases = [
        {
            "id": "sp800-38a-f2.5-cbc-aes256-encrypt",
            "source": "NIST SP 800-38A (2001), Appendix F.2.5 CBC-AES256.Encrypt",
            "direction": "encrypt",
            "key": SP800_38A_KEY,
            "iv": SP800_38A_IV,
            "plaintext": "".join(SP800_38A_PT),
            "ciphertext": "".join(SP800_38A_CT),
        },
        {
            "id": "sp800-38a-f2.6-cbc-aes256-decrypt",
            "source": "NIST SP 800-38A (2001), Appendix F.2.6 CBC-AES256.Decrypt",
            "direction": "decrypt",
            "key": SP800_38A_KEY,
            "iv": SP800_38A_IV,
            "plaintext": "".join(SP800_38A_PT),
            "ciphertext": "".join(SP800_38A_CT),
        },
    ]
    # Each block of F.2.5 uses the previous ciphertext block as its IV: record the
    # single-block sub-vectors too (the "Input Block"/"Output Block" rows of the table).
    prev = SP800_38A_IV
    for n, (p, c) in enumerate(zip(SP800_38A_PT, SP800_38A_CT, strict=True), start=1):
        cases.append(
            {
                "id": f"sp800-38a-f2.5-block{n}",
                "source": f"NIST SP 800-38A (2001), Appendix F.2.5, block #{n}",
                "direction": "encrypt",
                "key": SP800_38A_KEY,
                "iv": prev,
                "plaintext": p,
                "ciphertext": c,
            }
        )
        prev = c
    for c in cases:
        key, iv, pt, ct = _h(c["key"]), _h(c["iv"]), _h(c["plaintext"]), _h(c["ciphertext"])
        assert _cbc_raw(key, iv, pt, True) == ct, c["id"]
        assert _cbc_raw(key, iv, ct, False) == pt, c["id"]
    return {
        "algorithm": "AES-256-CBC without padding (raw blocks)",
        "source": "NIST SP 800-38A, Recommendation for Block Cipher Modes of Operation, "
        "Appendix F.2.5 and F.2.6",
        "encoding": "lowercase hex; plaintext and ciphertext are whole 16-byte blocks, no padding",
        "note": "olmpy's API always applies PKCS#7: for block-aligned input its output is these "
        "ciphertext blocks followed by one extra block that encrypts sixteen 0x10 bytes.",
        "cases": cases,
    }


def aes_pkcs7_generated() -> dict[str, Any]:
    keys = [
        ("sp800-38a-key", _h(SP800_38A_KEY), _h(SP800_38A_IV)),
        ("sha256-derived", hashlib.sha256(b"olmpy aes key").digest(),
         hashlib.sha256(b"olmpy aes iv").digest()[:16]),
    ]
    lengths = [0, 1, 15, 16, 17, 31, 32, 33, 64, 100]
    cases = []
    for label, key, iv in keys:
        for n in lengths:
            pt = bytes((i * 7 + n) & 0xFF for i in range(n))
            padder = padding.PKCS7(128).padder()
            padded = padder.update(pt) + padder.finalize()
            ct = _cbc_raw(key, iv, padded, True)
            unpadder = padding.PKCS7(128).unpadder()
            assert unpadder.update(_cbc_raw(key, iv, ct, False)) + unpadder.finalize() == pt
            assert len(ct) == (n // 16 + 1) * 16
            cases.append(
                {
                    "id": f"{label}-len{n}",
                    "key": key.hex(),
                    "iv": iv.hex(),
                    "plaintext": pt.hex(),
                    "ciphertext": ct.hex(),
                }
            )
    return {
        "algorithm": "AES-256-CBC with PKCS#7 padding",
        "source": "GENERATED, not published: pyca/cryptography (OpenSSL backend) "
        "Cipher(AES, CBC) with padding.PKCS7(128), by vectors/generate_published.py",
        "inputs": "plaintext byte i = (7*i + len) mod 256; keys are the SP 800-38A key/IV and "
        "SHA-256(b'olmpy aes key') / SHA-256(b'olmpy aes iv')[:16]",
        "encoding": "lowercase hex",
        "cases": cases,
    }


# ---------------------------------------------------------------------------
# RFC 7748, section 5.2 (X25519 test vectors) and section 6.1 (Diffie-Hellman)
# ---------------------------------------------------------------------------
def x25519_rfc7748() -> dict[str, Any]:
    scalarmult = [
        {
            "id": "rfc7748-5.2-vector1",
            "source": "RFC 7748 section 5.2, X25519 first test vector",
            "scalar": "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
            "u": "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
            "output": "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
        },
        {
            "id": "rfc7748-5.2-vector2",
            "source": "RFC 7748 section 5.2, X25519 second test vector",
            "scalar": "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
            "u": "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
            "output": "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957",
        },
    ]
    iterated = [
        {
            "id": "rfc7748-5.2-iter1",
            "source": "RFC 7748 section 5.2, iterated X25519, after 1 iteration",
            "iterations": 1,
            "start": "09" + "00" * 31,
            "output": "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079",
        },
        {
            "id": "rfc7748-5.2-iter1000",
            "source": "RFC 7748 section 5.2, iterated X25519, after 1,000 iterations",
            "iterations": 1000,
            "start": "09" + "00" * 31,
            "output": "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51",
        },
    ]
    dh = {
        "id": "rfc7748-6.1",
        "source": "RFC 7748 section 6.1, Curve25519 Diffie-Hellman",
        "alice_private": "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
        "alice_public": "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
        "bob_private": "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
        "bob_public": "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
        "shared": "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742",
    }
    smult = nacl.bindings.crypto_scalarmult
    for c in scalarmult:
        assert smult(_h(c["scalar"]), _h(c["u"])).hex() == c["output"], c["id"]
    for c in iterated:
        k = u = _h(c["start"])
        for _ in range(c["iterations"]):
            k, u = smult(k, u), k
        assert k.hex() == c["output"], c["id"]
    base = nacl.bindings.crypto_scalarmult_base
    assert base(_h(dh["alice_private"])).hex() == dh["alice_public"]
    assert base(_h(dh["bob_private"])).hex() == dh["bob_public"]
    assert smult(_h(dh["alice_private"]), _h(dh["bob_public"])).hex() == dh["shared"]
    assert smult(_h(dh["bob_private"]), _h(dh["alice_public"])).hex() == dh["shared"]
    return {
        "algorithm": "X25519",
        "source": "RFC 7748, sections 5.2 and 6.1",
        "encoding": "lowercase hex, little-endian as printed in the RFC",
        "note": "iterated: start with k = u = start; each iteration sets k, u = X25519(k, u), k",
        "scalarmult": scalarmult,
        "iterated": iterated,
        "diffie_hellman": [dh],
    }


# ---------------------------------------------------------------------------
# RFC 8032, section 7.1 (Ed25519)
# ---------------------------------------------------------------------------
TEST1024_MESSAGE = """
08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98fa6e264bf09efe12ee50f8f54e9f77b1
e355f6c50544e23fb1433ddf73be84d879de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b20329d
658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc1a858efcb8550ee3a5e1998bd177e93a
7363c344fe6b199ee5d02e82d522c4feba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e
06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573cb116dbefefd75499da96bd68a8a97b928a8bbc10
3b6621fcde2beca1231d206be6cd9ec7aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed1
85ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2d17ba70eb6248e594e1a2297acbbb39d
502f1a8c6eb6f1ce22b3de1a1f40cc24554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f270
88d78b7e883c8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc2732e69485bbc9c90bfbd62481d9089b
eccf80cfe2df16a2cf65bd92dd597b0707e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba
b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51addd3b75a2b1ae0784504df543af8969b
e3ea7082ff7fc9888c144da2af58429ec96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47acdb7
51fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c42f58c30c04aafdb038dda0847dd988d
cda6f3bfd15c4b4c4525004aa06eeff8ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34df
f7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08d78ff4ef5d63653a65040cf9bfd4aca7
984a74d37145986780fc0b16ac451649de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a3ca8e1b939ae49e4
88acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a32ef5b52a1ecc820e308aa342721aac09
43bf6686b64b2579376504ccc493d97e6aed3fb0f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5f
b93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b50d334ba77c225bc307ba537152f3f161
0e4eafe595f6d9d90d11faa933a15ef1369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d
b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c0618983f8741c5ef68d3a101e8a3b8ca
c60c905c15fc910840b94c00a0b9d0
"""


def ed25519_rfc8032() -> dict[str, Any]:
    cases = [
        {
            "id": "rfc8032-7.1-test1",
            "source": "RFC 8032 section 7.1, TEST 1 (empty message)",
            "secret_key": "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            "public_key": "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            "message": "",
            "signature": "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
            "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
        },
        {
            "id": "rfc8032-7.1-test2",
            "source": "RFC 8032 section 7.1, TEST 2 (1-byte message)",
            "secret_key": "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            "public_key": "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            "message": "72",
            "signature": "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
            "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
        },
        {
            "id": "rfc8032-7.1-test3",
            "source": "RFC 8032 section 7.1, TEST 3 (2-byte message)",
            "secret_key": "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
            "public_key": "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
            "message": "af82",
            "signature": "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
            "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
        },
        {
            "id": "rfc8032-7.1-test1024",
            "source": "RFC 8032 section 7.1, TEST 1024 (1023-byte message)",
            "secret_key": "f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5",
            "public_key": "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e",
            "message": "".join(TEST1024_MESSAGE.split()),
            "signature": "0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350"
            "aa5371b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03",
        },
    ]
    assert len(_h(cases[3]["message"])) == 1023
    for c in cases:
        sk = nacl.signing.SigningKey(_h(c["secret_key"]))
        assert bytes(sk.verify_key).hex() == c["public_key"], c["id"]
        signed = sk.sign(_h(c["message"]))
        assert signed.signature.hex() == c["signature"], c["id"]
        nacl.signing.VerifyKey(_h(c["public_key"])).verify(_h(c["message"]), _h(c["signature"]))
    return {
        "algorithm": "Ed25519 (pure, RFC 8032)",
        "source": "RFC 8032 section 7.1, TEST 1, TEST 2, TEST 3, TEST 1024",
        "encoding": "lowercase hex; secret_key is the 32-byte seed",
        "cases": cases,
    }


# ---------------------------------------------------------------------------
# RFC 4231, section 4 (HMAC-SHA-256)
# ---------------------------------------------------------------------------
def hmac_rfc4231() -> dict[str, Any]:
    cases = [
        {
            "id": "rfc4231-4.2-tc1",
            "source": "RFC 4231 section 4.2 (Test Case 1)",
            "key": "0b" * 20,
            "data": b"Hi There".hex(),
            "mac": "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
        },
        {
            "id": "rfc4231-4.3-tc2",
            "source": "RFC 4231 section 4.3 (Test Case 2, key shorter than the output)",
            "key": b"Jefe".hex(),
            "data": b"what do ya want for nothing?".hex(),
            "mac": "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        },
        {
            "id": "rfc4231-4.4-tc3",
            "source": "RFC 4231 section 4.4 (Test Case 3)",
            "key": "aa" * 20,
            "data": "dd" * 50,
            "mac": "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
        },
        {
            "id": "rfc4231-4.5-tc4",
            "source": "RFC 4231 section 4.5 (Test Case 4)",
            "key": bytes(range(1, 26)).hex(),
            "data": "cd" * 50,
            "mac": "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
        },
        {
            "id": "rfc4231-4.7-tc6",
            "source": "RFC 4231 section 4.7 (Test Case 6, 131-byte key hashed first)",
            "key": "aa" * 131,
            "data": b"Test Using Larger Than Block-Size Key - Hash Key First".hex(),
            "mac": "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        },
        {
            "id": "rfc4231-4.8-tc7",
            "source": "RFC 4231 section 4.8 (Test Case 7, long key and long data)",
            "key": "aa" * 131,
            "data": (
                b"This is a test using a larger than block-size key and a larger than "
                b"block-size data. The key needs to be hashed before being used by the "
                b"HMAC algorithm."
            ).hex(),
            "mac": "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
        },
    ]
    for c in cases:
        assert hmac.new(_h(c["key"]), _h(c["data"]), hashlib.sha256).hexdigest() == c["mac"]
    return {
        "algorithm": "HMAC-SHA-256",
        "source": "RFC 4231 section 4, test cases 1, 2, 3, 4, 6, 7 (test case 5 is a "
        "truncated-output case and is not included)",
        "encoding": "lowercase hex",
        "cases": cases,
    }


# ---------------------------------------------------------------------------
# SHA-256: FIPS 180-2 Appendix B examples and the empty message of NIST CAVP
# ---------------------------------------------------------------------------
def sha256_fips180() -> dict[str, Any]:
    cases: list[dict[str, Any]] = [
        {
            "id": "cavp-shortmsg-len0",
            "source": "NIST CAVP SHA256ShortMsg.rsp, Len = 0 (empty message)",
            "message": "",
            "digest": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        },
        {
            "id": "fips180-2-b1-abc",
            "source": "FIPS 180-2 Appendix B.1 (one-block message 'abc')",
            "message": b"abc".hex(),
            "digest": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        },
        {
            "id": "fips180-2-b2-two-block",
            "source": "FIPS 180-2 Appendix B.2 (multi-block message)",
            "message": b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".hex(),
            "digest": "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
        },
        {
            "id": "fips180-2-b3-million-a",
            "source": "FIPS 180-2 Appendix B.3 (one million repetitions of 'a')",
            "message": "",
            "repeat": {"byte": "61", "count": 1000000},
            "digest": "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
        },
    ]
    for c in cases:
        data = _h(c["message"])
        if "repeat" in c:
            data = _h(c["repeat"]["byte"]) * c["repeat"]["count"]
        assert hashlib.sha256(data).hexdigest() == c["digest"], c["id"]
    return {
        "algorithm": "SHA-256",
        "source": "FIPS 180-2 Appendix B.1-B.3; NIST CAVP SHA256ShortMsg.rsp (Len = 0)",
        "encoding": "lowercase hex; when 'repeat' is present the message is repeat.byte "
        "repeated repeat.count times",
        "cases": cases,
    }


def generate() -> dict[str, dict[str, Any]]:
    """Return {relative path: document} for every file this script owns (all checked)."""
    return {
        "published/hkdf_sha256_rfc5869.json": hkdf_rfc5869(),
        "published/aes256_cbc_sp800_38a.json": aes_sp800_38a(),
        "published/x25519_rfc7748.json": x25519_rfc7748(),
        "published/ed25519_rfc8032.json": ed25519_rfc8032(),
        "published/hmac_sha256_rfc4231.json": hmac_rfc4231(),
        "published/sha256_fips180.json": sha256_fips180(),
        "aes256_cbc_pkcs7_cryptography.json": aes_pkcs7_generated(),
    }


def main() -> None:
    for rel, doc in generate().items():
        write_json(HERE / rel, doc)
        print("wrote", rel)


if __name__ == "__main__":
    main()
