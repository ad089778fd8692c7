"""Strategies for ``olmpy.testing.strategies``: key backup entries and SAS exchanges.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from olmpy import _b64
from olmpy.backup import key_backup_data
from olmpy.hazmat import primitives as _hazmat
from olmpy.keys import Curve25519PublicKey
from olmpy.megolm.inbound_group_session import InboundGroupSession
from olmpy.olm.account import Account
from olmpy.pk import PkDecryption
from olmpy.sas import EstablishedSas, SasBytes, mac_info, sas_info
from olmpy.testing import pk_encryption, sas_from_secret
from olmpy.testing._seeded import SeededRng
from olmpy.testing._strategies_keys import (
    _secret,
    accounts,
    device_ids,
    inbound_group_sessions,
    seeded_rngs,
    user_ids,
)
from olmpy.types import KeyBackupData


@dataclass(frozen=True, eq=False)
class BackupEntry:
    """One ``m.megolm_backup.v1.curve25519-aes-sha2`` entry: ``key_backup_data`` (the
    body PUT to ``/room_keys/keys/...``; its ``session_data`` is the encrypted part) for
    ``session_id``, under the backup key whose 32-byte private key is
    ``decryption_key`` and public key ``public_key``.  ``session`` is the backed-up
    inbound session; ``sender_key`` and ``sender_claimed_keys`` what the entry states."""

    decryption_key: bytes
    public_key: Curve25519PublicKey
    session_id: str
    session: InboundGroupSession
    sender_key: Curve25519PublicKey
    sender_claimed_keys: dict[str, str]
    key_backup_data: KeyBackupData


def backup_entries() -> SearchStrategy[BackupEntry]:
    """Key backup entries for drawn sessions under a drawn backup key; the PK ephemeral
    key comes from a drawn ``SeededRng``."""

    def build(
        secret: bytes, session: InboundGroupSession, sender: Account, rng: SeededRng, ver: bool
    ) -> BackupEntry:
        decryption = PkDecryption.from_key(secret)
        claimed = {"ed25519": sender.ed25519_key.to_base64()}
        data = key_backup_data(
            pk_encryption(decryption.public_key, rng=rng),
            session,
            sender_key=sender.curve25519_key,
            sender_claimed_keys=claimed,
            is_verified=ver,
        )
        return BackupEntry(
            secret,
            decryption.public_key,
            session.session_id,
            session,
            sender.curve25519_key,
            claimed,
            data,
        )

    return st.builds(
        build,
        _secret(),
        inbound_group_sessions(),
        accounts(one_time_keys=0),
        seeded_rngs(),
        st.booleans(),
    )


@dataclass(frozen=True, eq=False)
class SasExchange:
    """Both sides of one SAS verification, carried through to the MACs.

    ``alice`` started (``m.key.verification.start``), ``bob`` accepted.  Each side's
    ``EstablishedSas`` came from its drawn X25519 secret (``secrets``) and the other's
    public key; ``info`` is the HKDF info both use for the short string, and
    ``alice_bytes``/``bob_bytes`` what each shows (equal).  ``alice_mac`` is Alice's MAC
    of her Ed25519 key ``alice_key`` (key id ``alice_key_id``) under ``alice_mac_info``,
    as Bob checks it; likewise for Bob.
    """

    alice_user: str
    alice_device: str
    bob_user: str
    bob_device: str
    transaction_id: str
    secrets: tuple[bytes, bytes]
    alice: EstablishedSas
    bob: EstablishedSas
    info: str
    alice_bytes: SasBytes
    bob_bytes: SasBytes
    alice_key: str
    alice_key_id: str
    alice_mac_info: str
    alice_mac: str
    bob_key: str
    bob_key_id: str
    bob_mac_info: str
    bob_mac: str


def sas_exchanges() -> SearchStrategy[SasExchange]:
    """SAS verifications between two drawn devices, through to both MACs."""

    @st.composite
    def build(draw: st.DrawFn) -> SasExchange:
        a_user, b_user = draw(user_ids()), draw(user_ids())
        a_dev, b_dev = draw(device_ids()), draw(device_ids())
        txn = draw(st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=16))
        a_secret = draw(_secret())
        b_secret = draw(_secret().filter(lambda b: b != a_secret))
        a_sas, b_sas = sas_from_secret(a_secret), sas_from_secret(b_secret)
        a_pub, b_pub = a_sas.public_key, b_sas.public_key
        alice, bob = a_sas.diffie_hellman(b_pub), b_sas.diffie_hellman(a_pub)
        info = sas_info(
            start_user_id=a_user,
            start_device_id=a_dev,
            start_public_key=a_pub,
            accept_user_id=b_user,
            accept_device_id=b_dev,
            accept_public_key=b_pub,
            transaction_id=txn,
        )
        a_key = _hazmat.ed25519_public_from_seed(draw(_secret()))
        b_key = _hazmat.ed25519_public_from_seed(draw(_secret()))
        a_key_b64, b_key_b64 = _b64.encode_public(a_key), _b64.encode_public(b_key)
        a_key_id, b_key_id = f"ed25519:{a_dev}", f"ed25519:{b_dev}"
        a_info = mac_info(
            sender_user_id=a_user,
            sender_device_id=a_dev,
            receiver_user_id=b_user,
            receiver_device_id=b_dev,
            transaction_id=txn,
            key_id=a_key_id,
        )
        b_info = mac_info(
            sender_user_id=b_user,
            sender_device_id=b_dev,
            receiver_user_id=a_user,
            receiver_device_id=a_dev,
            transaction_id=txn,
            key_id=b_key_id,
        )
        return SasExchange(
            a_user, a_dev, b_user, b_dev, txn, (a_secret, b_secret), alice, bob, info,
            alice.bytes(info), bob.bytes(info),
            a_key_b64, a_key_id, a_info, alice.calculate_mac(a_key_b64, a_info),
            b_key_b64, b_key_id, b_info, bob.calculate_mac(b_key_b64, b_info),
        )  # fmt: skip

    return build()
