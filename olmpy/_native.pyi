# Type stub for the cffi-compiled core (built from _native/olmpy_native.h).
from typing import Any

_Ptr = Any  # a cdata pointer or array, or bytes for const inputs

class _Buffer:
    def __getitem__(self, item: slice) -> bytes: ...
    def __len__(self) -> int: ...

class _FFI:
    NULL: Any
    def string(self, cdata: _Ptr) -> bytes: ...
    def new(self, cdecl: str, init: Any = ...) -> Any: ...
    def new_allocator(
        self, alloc: Any = ..., free: Any = ..., should_clear_after_alloc: bool = ...
    ) -> Any: ...
    def buffer(self, cdata: _Ptr, size: int = ...) -> _Buffer: ...
    def memmove(self, dest: _Ptr, src: Any, n: int) -> None: ...
    def from_buffer(self, obj: Any) -> Any: ...

class _Lib:
    OLMPY_E_VERSION: int
    OLMPY_E_DECODE: int
    OLMPY_E_SIGNATURE: int
    OLMPY_E_UNKNOWN_INDEX: int
    OLMPY_E_MAC: int
    OLMPY_E_CIPHERTEXT: int
    OLMPY_E_NOMEM: int
    OLMPY_E_ARGUMENT: int
    OLMPY_E_NO_AES: int
    OLMPY_E_NOT_READY: int
    OLMPY_MEGOLM_STATE_LEN: int
    OLMPY_KEY_SEED: int
    OLMPY_KEY_EXPANDED: int
    olmpy_secret_alloc: Any
    olmpy_secret_free: Any
    def olmpy_version(self) -> _Ptr: ...
    def olmpy_init(
        self,
        sign: int,
        sign_open: int,
        hash_sha512: int,
        base_noclamp: int,
        scalar_reduce: int,
        scalar_mul: int,
        scalar_add: int,
        seed_keypair: int,
        randombytes: int,
    ) -> int: ...
    def olmpy_has_aesni(self) -> int: ...
    def olmpy_has_shani(self) -> int: ...
    def olmpy_wipe(self, ptr: _Ptr, size: int) -> None: ...
    def olmpy_b64_decode(self, text: bytes, len: int, out: _Ptr) -> int: ...
    def olmpy_b64_encode(self, data: _Ptr, len: int, text: _Ptr) -> int: ...
    def olmpy_sha256(self, data: _Ptr, len: int, out: _Ptr) -> None: ...
    def olmpy_hmac_sha256(
        self, key: _Ptr, keylen: int, data: _Ptr, len: int, out: _Ptr
    ) -> None: ...
    def olmpy_hkdf_sha256(
        self,
        salt: _Ptr,
        saltlen: int,
        ikm: _Ptr,
        ikmlen: int,
        info: _Ptr,
        infolen: int,
        out: _Ptr,
        outlen: int,
    ) -> int: ...
    def olmpy_aes256_cbc_encrypt(
        self, key: _Ptr, iv: _Ptr, inp: _Ptr, inlen: int, out: _Ptr
    ) -> int: ...
    def olmpy_aes256_cbc_decrypt(
        self, key: _Ptr, iv: _Ptr, inp: _Ptr, inlen: int, out: _Ptr
    ) -> int: ...
    def olmpy_ed25519_sign(
        self, secret: _Ptr, kind: int, pub: _Ptr, msg: _Ptr, len: int, sig: _Ptr
    ) -> int: ...
    def olmpy_ed25519_verify(self, pub: _Ptr, msg: _Ptr, len: int, sig: _Ptr) -> int: ...
    def olmpy_megolm_group_new(self, state: _Ptr, secret: _Ptr, pub: _Ptr) -> int: ...
    def olmpy_megolm_advance(self, state: _Ptr) -> None: ...
    def olmpy_megolm_advance_to(self, state: _Ptr, target: int) -> None: ...
    def olmpy_megolm_parse(
        self, msg: _Ptr, msglen: int, index: _Ptr, ct_offset: _Ptr, ct_len: _Ptr
    ) -> int: ...
    def olmpy_megolm_encrypt(
        self,
        state: _Ptr,
        secret: _Ptr,
        kind: int,
        pub: _Ptr,
        pt: _Ptr,
        ptlen: int,
        out: _Ptr,
        outcap: int,
    ) -> int: ...
    OLMPY_ED25519_VKEY_SIZE: int
    def olmpy_ed25519_vkey_size(self) -> int: ...
    def olmpy_ed25519_vkey_init(self, vkey: _Ptr, pub: _Ptr) -> int: ...
    def olmpy_ed25519_vkey_verify(self, vkey: _Ptr, msg: _Ptr, len: int, sig: _Ptr) -> int: ...
    def olmpy_megolm_decrypt(
        self,
        initial: _Ptr,
        latest: _Ptr,
        pub: _Ptr,
        msg: _Ptr,
        msglen: int,
        check_signature: int,
        vkey: _Ptr,
        out: _Ptr,
        index: _Ptr,
    ) -> int: ...

ffi: _FFI
lib: _Lib
