"""The hazmat and testing tiers: olmpy.hazmat.primitives, the olmpy.primitives shim, and
the deterministic hooks that moved from the public objects to olmpy.testing."""

from __future__ import annotations

import contextlib
import importlib
import io
import re
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator

import needs
import pytest

import olmpy
from olmpy import Account, GroupSession, PkDecryption, PkEncryption, testing
from olmpy import secret_storage as ss
from olmpy.errors import UsageError
from olmpy.hazmat import primitives as hz

SEED, SECRET = bytes(range(32)), bytes(range(32, 64))
KEY = bytes(range(100, 132))
IV = bytes(16)


def counter_rng() -> Callable[[int], bytes]:
    """A reproducible rng: two of them give the same stream."""
    state = [0]

    def rng(n: int) -> bytes:
        out = bytes((state[0] + i) % 256 for i in range(n))
        state[0] += n
        return out

    return rng


@contextlib.contextmanager
def deprecated(match: str) -> Iterator[None]:
    """Exactly one DeprecationWarning matching ``match``, attributed to this file."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    ours = [w for w in caught if issubclass(w.category, DeprecationWarning)]
    assert len(ours) == 1, [str(w.message) for w in caught]
    assert re.search(match, str(ours[0].message)), str(ours[0].message)
    assert ours[0].filename == __file__, ours[0].filename  # stacklevel names the caller


@contextlib.contextmanager
def no_warning() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


# --- olmpy.hazmat.primitives and the olmpy.primitives shim --------------------------------


def test_hazmat_package_exposes_primitives() -> None:
    import olmpy.hazmat

    assert olmpy.hazmat.primitives is hz
    assert "primitives" in olmpy.hazmat.__all__


@pytest.mark.parametrize("name", hz.__all__)
def test_old_module_gives_each_name_with_a_warning(name: str) -> None:
    """olmpy.primitives.<name> is the hazmat object, with a DeprecationWarning naming it."""
    old = importlib.import_module("olmpy.primitives")
    with deprecated(rf"olmpy\.hazmat\.primitives\.{name}\b"):
        got = getattr(old, name)
    assert got is getattr(hz, name)


def test_from_import_of_the_old_module_warns() -> None:
    with deprecated(r"olmpy\.hazmat\.primitives\.sha256"):
        from olmpy.primitives import sha256
    assert sha256(b"abc") == hz.sha256(b"abc")


def test_old_module_unknown_name_is_attribute_error() -> None:
    old = importlib.import_module("olmpy.primitives")
    with no_warning(), pytest.raises(AttributeError, match="no_such_name"):
        old.no_such_name  # noqa: B018
    assert set(hz.__all__) <= set(dir(old))


def test_importing_olmpy_does_not_warn() -> None:
    """No module of the package goes through the shim: importing every one of them in a
    fresh interpreter, with DeprecationWarning as an error, succeeds (those that load the
    compiled core only where it is installed)."""
    later = ("olmpy.primitives", "olmpy.__main__")
    if not needs.have_native():
        later += ("olmpy._native", "olmpy._nativelib", "olmpy._nativebinding")
    code = (
        "import importlib, pkgutil, olmpy\n"
        "for m in pkgutil.walk_packages(olmpy.__path__, 'olmpy.'):\n"
        f"    if m.name not in {later!r}:\n"
        "        importlib.import_module(m.name)\n"
        "import olmpy.__main__, olmpy.primitives\n"
    )
    run = subprocess.run([sys.executable, "-W", "error::DeprecationWarning", "-c", code],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr


@pytest.mark.parametrize("fn", [hz.aes256_cbc_encrypt, hz.aes256_cbc_decrypt, hz.AesCtr64])
def test_unauthenticated_ciphers_say_so(fn: object) -> None:
    doc = fn.__doc__ or ""
    assert "UNAUTHENTICATED" in doc and "MAC" in doc


def test_ctr_docstring_cost_is_real() -> None:
    """What AesCtr64's docstring warns of: one (key, IV) for two messages leaks their XOR."""
    assert "XOR" in (hz.AesCtr64.__doc__ or "")
    a, b = b"attack at dawn!!", b"retreat at nine!"
    ca = hz.AesCtr64(KEY, IV).update(a)
    cb = hz.AesCtr64(KEY, IV).update(b)
    assert bytes(x ^ y for x, y in zip(ca, cb, strict=True)) == bytes(
        x ^ y for x, y in zip(a, b, strict=True))


def test_public_protocol_modules_do_not_export_raw_ciphers() -> None:
    """attachments and key_export use AesCtr64 but do not offer it."""
    from olmpy import attachments, key_export, secret_storage

    for module in (attachments, key_export, secret_storage):
        assert "AesCtr64" not in module.__all__
        assert "aes256_cbc_encrypt" not in module.__all__


# --- olmpy.testing gives what the deprecated hooks gave ----------------------------------


def _account_bytes(account: Account) -> tuple[str, str, dict[str, str]]:
    account.generate_one_time_keys(3)
    otks = {k: v.to_base64() for k, v in account.one_time_keys.items()}
    return account.ed25519_key.to_base64(), account.curve25519_key.to_base64(), otks


def test_account_from_parts_moved() -> None:
    with no_warning():
        new = testing.account_from_parts(SEED, SECRET, rng=counter_rng())
    with deprecated(r"olmpy\.testing\.account_from_parts"):
        old = Account.from_parts(SEED, SECRET, rng=counter_rng())
    assert _account_bytes(new) == _account_bytes(old)


def test_account_from_parts_rng_must_be_callable() -> None:
    with pytest.raises(UsageError, match="callable"):
        testing.account_from_parts(SEED, SECRET, rng=b"x")  # type: ignore[arg-type]


def test_all_zero_rng_makes_one_time_keys_one() -> None:
    """The cost named in olmpy.testing's docstring, as it happens."""
    account = testing.account_from_parts(SEED, SECRET, rng=lambda n: bytes(n))
    account.generate_one_time_keys(3)
    assert len(set(k.to_base64() for k in account.one_time_keys.values())) == 1


def test_group_session_from_parts_moved() -> None:
    with no_warning():
        new = testing.group_session_from_parts(bytes(range(128)), 7, SEED)
    with deprecated(r"olmpy\.testing\.group_session_from_parts"):
        old = GroupSession.from_parts(bytes(range(128)), 7, SEED)
    assert new.session_key.to_bytes() == old.session_key.to_bytes()
    assert new.encrypt(b"hi").to_bytes() == old.encrypt(b"hi").to_bytes()


def test_pk_encryption_rng_moved() -> None:
    recipient = PkDecryption().public_key
    with no_warning():
        new = testing.pk_encryption(recipient, rng=counter_rng()).encrypt(b"backup")
    with deprecated(r"olmpy\.testing\.pk_encryption"):
        old = PkEncryption(recipient, rng=counter_rng())
    with deprecated(r"olmpy\.testing\.pk_encryption"):
        old2 = PkEncryption.from_key(recipient, rng=counter_rng())
    assert new == old.encrypt(b"backup") == old2.encrypt(b"backup")
    with no_warning():  # the ordinary constructors stay quiet and random
        a = PkEncryption(recipient).encrypt(b"backup")
        b = PkEncryption.from_key(recipient).encrypt(b"backup")
    assert a != b


def test_encrypt_secret_iv_moved() -> None:
    with no_warning():
        new = testing.encrypt_secret(KEY, "m.megolm_backup.v1", "s3cret", iv=IV)
        fresh = ss.encrypt_secret(KEY, "m.megolm_backup.v1", "s3cret")
    with deprecated(r"olmpy\.testing\.encrypt_secret"):
        old = ss.encrypt_secret(KEY, "m.megolm_backup.v1", "s3cret", iv=IV)
    assert new == old and fresh.iv != IV


def test_one_iv_for_two_secrets_gives_away_their_xor() -> None:
    """The cost named in testing.encrypt_secret's docstring, as it happens."""
    a, b = "correct horse battery", "another secret value!"
    ca = testing.encrypt_secret(KEY, "name", a, iv=IV).ciphertext
    cb = testing.encrypt_secret(KEY, "name", b, iv=IV).ciphertext
    xor = bytes(x ^ y for x, y in zip(ca, cb, strict=True))
    assert bytes(x ^ y for x, y in zip(xor, a.encode(), strict=True)) == b.encode()


def test_create_key_description_iv_moved() -> None:
    with no_warning():
        new = testing.create_key_description(KEY, iv=IV, name="k")
        fresh = ss.create_key_description(KEY, name="k")
    with deprecated(r"olmpy\.testing\.create_key_description"):
        old = ss.create_key_description(KEY, name="k", iv=IV)
    assert new == old and fresh.iv != IV and ss.check_key(KEY, fresh)


def test_sas_from_secret_and_key_file() -> None:
    sas = testing.sas_from_secret(SEED)
    assert sas.public_key.to_bytes() == hz.x25519_public(SEED)
    from olmpy import key_export as kx

    one = testing.encrypt_key_file(b"data", "pw", salt=bytes(16), iv=IV, rounds=1,
                                   allow_low_rounds=True)
    two = testing.encrypt_key_file(b"data", "pw", salt=bytes(16), iv=IV, rounds=1,
                                   allow_low_rounds=True)
    assert one == two and kx.decrypt_key_file(one, "pw") == b"data"


def test_demo_uses_no_deprecated_name() -> None:
    """The CLI demo walks most of the library; none of its calls warns."""
    from olmpy.__main__ import demo

    with no_warning(), contextlib.redirect_stdout(io.StringIO()):
        assert demo() == 0
    assert olmpy.BACKEND.partition(" (")[0] in ("native", "python")


def test_the_suite_treats_olmpy_deprecations_as_errors() -> None:
    """pyproject's filterwarnings makes a deprecated olmpy name fail any test that uses it
    (outside pytest.warns), so the suite itself cannot drift back to the old names."""
    with pytest.raises(DeprecationWarning, match=r"olmpy\.testing\.group_session_from_parts"):
        GroupSession.from_parts(bytes(128), 0, SEED)
