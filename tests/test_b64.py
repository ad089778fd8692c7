"""Strict base64 on both backends: round trips, every rejection rule of SPEC.md section 1,
and byte-for-byte agreement of the native (SIMD) and pure decoders."""

from __future__ import annotations

import base64
from types import ModuleType

import needs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from olmpy import _backend
from olmpy.errors import Base64Error

needs.native(module_level=True)  # every test compares the two decoders
NATIVE = _backend.load("native")
PURE = _backend.load("python")
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _outcome(module: ModuleType, text: str | bytes) -> object:
    try:
        return module.b64_decode(text, "value")
    except Base64Error as exc:
        return ("Base64Error", str(exc))


@given(st.binary(max_size=300))
@settings(max_examples=300, deadline=None)
def test_round_trip_matches_stdlib(data: bytes) -> None:
    """Both encoders give the stdlib's unpadded output and both decoders invert it."""
    expected = base64.b64encode(data).decode().rstrip("=")
    for module in (NATIVE, PURE):
        assert module.b64_encode(data) == expected
        assert module.b64_decode(expected, "v") == data
        assert module.b64_decode(base64.b64encode(data).decode(), "v") == data


@pytest.mark.parametrize("size", [0, 1, 2, 3, 11, 12, 13, 767, 768, 769, 65536, 65636])
def test_sizes_around_simd_and_chunk_edges(size: int) -> None:
    """Lengths around the 12/16-byte SIMD steps and the 1024-character chunks round-trip."""
    data = bytes((i * 7 + 3) & 0xFF for i in range(size))
    text = base64.b64encode(data).decode().rstrip("=")
    assert NATIVE.b64_encode(data) == text
    assert NATIVE.b64_decode(text, "v") == data


@given(st.text(alphabet=ALPHABET + "=-_ \n\t*.é\x00", max_size=80))
@settings(max_examples=600, deadline=None)
def test_backends_agree_on_any_text(text: str) -> None:
    """For any text, both decoders return the same bytes or the same Base64Error."""
    assert _outcome(NATIVE, text) == _outcome(PURE, text)


@given(st.binary(min_size=1, max_size=200), st.data())
@settings(max_examples=300, deadline=None)
def test_single_bad_character_rejected(data: bytes, draw: st.DataObject) -> None:
    """Replacing any one character by a non-alphabet one is always a Base64Error."""
    text = base64.b64encode(data).decode().rstrip("=")
    pos = draw.draw(st.integers(0, len(text) - 1))
    bad = draw.draw(st.sampled_from(list("-_ \n*.\x00é~!")))
    mutated = text[:pos] + bad + text[pos + 1 :]
    for module in (NATIVE, PURE):
        with pytest.raises(Base64Error):
            module.b64_decode(mutated, "v")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("A", "length"),
        ("AQ=", "length"),
        ("AQ===", "length"),
        ("AAAA==", "length"),
        ("=", "length"),
        ("AB", "trailing bits"),
        ("AAB", "trailing bits"),
        ("AQ=A", "characters"),
        ("A*==", "characters"),
    ],
)
def test_rejections_name_the_rule(text: str, reason: str) -> None:
    """Each malformed spelling is refused with a message naming the broken rule."""
    for module in (NATIVE, PURE):
        with pytest.raises(Base64Error, match=reason):
            module.b64_decode(text, "v")


def test_padded_and_unpadded_both_accepted() -> None:
    """Padding is optional but, when present, must be exact."""
    for module in (NATIVE, PURE):
        assert module.b64_decode("AA==", "v") == b"\x00"
        assert module.b64_decode("AA", "v") == b"\x00"
        assert module.b64_decode(b"AAA=", "v") == b"\x00\x00"


# --- secret and public codecs (issue 9, item 4) ---------------------------------------


@given(st.binary(max_size=300))
@settings(max_examples=200, deadline=None)
def test_public_codecs_match_secret_codecs(data: bytes) -> None:
    """The public codecs (table-driven in the pure twin) give exactly what the secret ones
    give, on both backends."""
    text = base64.b64encode(data).decode()
    for module in (NATIVE, PURE):
        assert module.b64_encode_public(data) == module.b64_encode(data)
        assert module.b64_decode_public(text, "v") == module.b64_decode(text, "v") == data


@given(st.text(alphabet=ALPHABET + "=-_ \n*é\x00\x7f", max_size=60) | st.binary(max_size=60))
@settings(max_examples=600, deadline=None)
def test_public_and_secret_decoders_fail_alike(text: str | bytes) -> None:
    """For any input the public and secret decoders of both backends agree, errors included."""
    def public(module: ModuleType) -> object:
        try:
            return module.b64_decode_public(text, "value")
        except Base64Error as exc:
            return ("Base64Error", str(exc))

    outcomes = {repr(f(m)) for m in (NATIVE, PURE) for f in (public, lambda m: _outcome(m, text))}
    assert len(outcomes) == 1, outcomes


def test_secret_codec_uses_no_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """Secrets never reach the stdlib's table-driven codec or a per-character dict: with
    those replaced by traps, both backends still encode and decode secrets, and a bad
    secret text (the native decoder's retry, for the precise error) is still named."""
    import olmpy._pure.base64 as pure_module

    class Trap:
        def __getattr__(self, name: str) -> object:
            raise AssertionError(f"binascii.{name} used on a secret")

    class TrapDict(dict[str, int]):
        def get(self, *args: object) -> int:  # type: ignore[override]
            raise AssertionError("dict lookup on a secret character")

        def __getitem__(self, key: str) -> int:
            raise AssertionError("dict lookup on a secret character")

    monkeypatch.setattr(pure_module, "binascii", Trap())
    monkeypatch.setattr(pure_module, "_VALUE", TrapDict())
    secret = bytes(range(32, 97))
    text = base64.b64encode(secret).decode().rstrip("=")
    for module in (NATIVE, PURE):
        assert module.b64_encode(secret) == text
        assert module.b64_decode(text, "key") == secret
        with pytest.raises(Base64Error, match="zero trailing bits"):
            module.b64_decode(text[:-1] + "B", "key")
        with pytest.raises(Base64Error, match="outside the alphabet"):
            module.b64_decode("*" + text[1:], "key")
