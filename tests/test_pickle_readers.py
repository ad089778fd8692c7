"""What a pickle says about itself (``olmpy.pickle.olmpy_pickle_header``,
``libolm_pickle_version``), ``PickleKeyError`` for a key that does not open a pickle, and
``Account``'s stored key counts: the library pieces ``olmpy pickle inspect`` shows."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import olm
import pytest
import vodozemac

import olmpy
from olmpy.errors import PickleError, PickleKeyError, UsageError
from olmpy.pickle import OlmpyPickleHeader, libolm_pickle_version, olmpy_pickle_header

KEY = bytes(range(32))
OTHER = bytes(range(1, 33))


def _objects() -> dict[str, Any]:
    alice, bob = olmpy.Account(), olmpy.Account()
    bob.generate_one_time_keys(1)
    session = alice.create_outbound_session(
        bob.curve25519_key, next(iter(bob.one_time_keys.values()))
    )
    group = olmpy.GroupSession()
    return {
        "account": alice,
        "session": session,
        "group_session": group,
        "inbound_group_session": olmpy.InboundGroupSession(group.session_key),
        "pk_decryption": olmpy.PkDecryption(),
    }


@pytest.mark.parametrize("kind", ["account", "session", "group_session",
                                  "inbound_group_session", "pk_decryption"])
def test_wrong_key_is_pickle_key_error_in_every_format(backend: ModuleType, kind: str) -> None:
    obj = _objects()[kind]
    cls = type(obj)
    cases = [
        (obj.to_libolm_pickle(KEY), cls.from_libolm_pickle),
        (obj.to_vodozemac_pickle(KEY), cls.from_vodozemac_pickle),
        (obj.pickle(KEY), cls.from_pickle),
    ]
    for text, loader in cases:
        with pytest.raises(PickleKeyError, match="key"):
            loader(text, OTHER)
        assert type(loader(text, KEY)) is cls
    with pytest.raises(PickleKeyError):
        cls.from_pickle_with_passphrase(obj.pickle_with_passphrase("right"), "wrong")


def test_malformed_pickles_are_not_key_errors(backend: ModuleType) -> None:
    account = olmpy.Account()
    text = account.to_libolm_pickle(KEY)
    for bad in (text[:-5], "not base64 at all!", account.to_vodozemac_pickle(KEY)):
        with pytest.raises(PickleError) as caught:
            olmpy.Account.from_libolm_pickle(bad, KEY)
        assert not isinstance(caught.value, PickleKeyError), bad[:20]


def test_pickle_key_error_is_a_pickle_error_only() -> None:
    assert issubclass(PickleKeyError, PickleError)
    assert not issubclass(PickleKeyError, olmpy.DecryptionError)
    assert olmpy.PickleKeyError is PickleKeyError


def test_olmpy_pickle_header_names_type_and_kdf() -> None:
    objects = _objects()
    for kind, obj in objects.items():
        assert olmpy_pickle_header(obj.pickle(KEY)) == OlmpyPickleHeader(1, kind, "key", None)
    header = olmpy_pickle_header(objects["session"].pickle_with_passphrase("pass"))
    assert header == OlmpyPickleHeader(1, "session", "scrypt", (15, 8, 1))


def test_olmpy_pickle_header_refuses_other_formats() -> None:
    account = olmpy.Account()
    for text in (account.to_libolm_pickle(KEY), account.to_vodozemac_pickle(KEY)):
        with pytest.raises(PickleError, match="OLMPY marker"):
            olmpy_pickle_header(text)
    with pytest.raises(PickleError, match="base64"):
        olmpy_pickle_header("%%%")
    with pytest.raises(UsageError, match="pickle str"):
        olmpy_pickle_header(b"T0xNUFk")  # type: ignore[arg-type]


def test_libolm_pickle_version_of_python_olm_pickles(backend: ModuleType) -> None:
    assert libolm_pickle_version(olm.Account().pickle("k"), b"k") == 4
    assert libolm_pickle_version(olm.OutboundGroupSession().pickle("k"), "k") == 1
    outbound = olm.OutboundGroupSession()
    inbound = olm.InboundGroupSession(outbound.session_key)
    assert libolm_pickle_version(inbound.pickle("k"), "k") == 2
    assert libolm_pickle_version(olm.PkDecryption().pickle("k"), "k") == 1
    with pytest.raises(PickleKeyError):
        libolm_pickle_version(olm.Account().pickle("k"), "j")
    vz = vodozemac.Account().pickle(KEY)
    with pytest.raises(PickleError, match="vodozemac"):
        libolm_pickle_version(vz, KEY)


def test_account_stored_key_counts_include_published_keys() -> None:
    account = olmpy.Account()
    assert (account.stored_one_time_key_count, account.stored_fallback_key_count) == (0, 0)
    account.generate_one_time_keys(4)
    account.generate_fallback_key()
    account.mark_keys_as_published()
    assert account.one_time_keys == {} and account.fallback_key == {}
    assert account.stored_one_time_key_count == 4
    assert account.stored_fallback_key_count == 1
    account.generate_fallback_key()
    assert account.stored_fallback_key_count == 2
    account.forget_fallback_key()
    assert account.stored_fallback_key_count == 1
    loaded = olmpy.Account.from_libolm_pickle(account.to_libolm_pickle(KEY), KEY)
    assert (loaded.stored_one_time_key_count, loaded.stored_fallback_key_count) == (4, 1)
