"""Strategies for ``olmpy.testing.strategies``: conversation schedules (sends and
deliveries) and ``play``, which runs one through a session pair.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from olmpy.errors import (
    DecryptionError,
    MessageGapError,
    OlmpyError,
    ReplayError,
    UnknownMessageIndexError,
    UsageError,
    expected,
    shown,
)
from olmpy.megolm.inbound_group_session import InboundGroupSession
from olmpy.megolm.message import MegolmMessage
from olmpy.megolm.replay import ReplayGuard
from olmpy.olm.messages import AnyOlmMessage
from olmpy.olm.session import MAX_MESSAGE_GAP, MAX_SKIPPED_KEYS, Session
from olmpy.testing._seeded import GroupSessionPair, SessionPair
from olmpy.testing._strategies_keys import _count

Party = Literal["alice", "bob"]
Protocol = Literal["olm", "megolm"]
OutcomeKind = Literal["ok", "missing_key", "gap", "replay", "unknown_index", "error"]


@dataclass(frozen=True)
class Send:
    """``sender`` encrypts ``count`` messages (numbered on from the previous sends)."""

    sender: Party
    count: int = 1


@dataclass(frozen=True)
class Deliver:
    """Message number ``message`` reaches the other side, as a new event."""

    message: int


@dataclass(frozen=True)
class Schedule:
    """A conversation as plain data: sends and deliveries in time order.

    Messages are numbered 0, 1, ... in send order.  A message never delivered was
    dropped; one delivered twice was duplicated (the second delivery is a new event, so
    for Megolm a replay); a delivery after later messages is reordered or delayed.  For
    Megolm every sender is "alice" and "bob" only receives.
    """

    protocol: Protocol
    events: tuple[Send | Deliver, ...]

    @property
    def message_count(self) -> int:
        return sum(e.count for e in self.events if isinstance(e, Send))


@dataclass(frozen=True)
class Outcome:
    """What one delivery came to: the message, the event id it came on, and ``result``:
    ``ok`` (decrypted to what was sent), ``missing_key`` (Olm: its key was used or
    dropped, e.g. beyond the MAX_SKIPPED_KEYS kept), ``gap`` (Olm: further ahead than
    MAX_MESSAGE_GAP), ``replay`` (Megolm: index already seen on another event),
    ``unknown_index`` (Megolm: before the receiver's first known index) or ``error``
    (anything else; ``error`` holds the text)."""

    message: int
    event_id: str
    result: OutcomeKind
    error: str | None = None


def schedules(
    protocol: Protocol = "olm", *, max_events: int = 12, beyond_limits: bool = False
) -> SearchStrategy[Schedule]:
    """Schedules of up to ``max_events`` sends and deliveries.  With ``beyond_limits``
    some sends are bursts of ``MAX_SKIPPED_KEYS + 1`` or ``MAX_MESSAGE_GAP + 1``
    messages, so later deliveries run past the Olm limits (olmpy.olm.session)."""
    if protocol not in ("olm", "megolm"):
        raise UsageError("protocol: " + expected("'olm' or 'megolm'", shown(protocol)))
    _count("max_events", max_events, 1, 10_000)
    if type(beyond_limits) is not bool:
        raise UsageError("beyond_limits: " + expected("a bool", shown(beyond_limits)))
    senders: SearchStrategy[Party] = (
        st.sampled_from(("alice", "bob")) if protocol == "olm" else st.just("alice")
    )
    counts = (
        st.sampled_from((1, 1, MAX_SKIPPED_KEYS + 1, MAX_MESSAGE_GAP + 1))
        if beyond_limits
        else st.just(1)
    )

    @st.composite
    def build(draw: st.DrawFn) -> Schedule:
        events: list[Send | Deliver] = []
        sent = 0
        for _ in range(draw(st.integers(1, max_events))):
            if sent and draw(st.booleans()):
                events.append(Deliver(draw(st.integers(0, sent - 1))))
            else:
                event = Send(draw(senders), draw(counts))
                sent += event.count
                events.append(event)
        return Schedule(protocol, tuple(events))

    return build()


Observer = Callable[[Session | InboundGroupSession, AnyOlmMessage | MegolmMessage, str], None]


def play(
    schedule: Schedule,
    pair: SessionPair | GroupSessionPair,
    *,
    observer: Observer | None = None,
) -> tuple[Outcome, ...]:
    """Runs ``schedule`` through ``pair`` (a ``SessionPair`` for Olm, a
    ``GroupSessionPair`` for Megolm) and returns one ``Outcome`` per delivery.

    Plaintexts are ``b"message <n>"``.  ``observer(receiver, message, event_id)`` is
    called before each delivery, with the receiving session as it is then (to hand the
    same state and message to another library).  Megolm deliveries go through one
    ``ReplayGuard``; event ids are ``$<delivery number>``.
    """
    if not isinstance(schedule, Schedule):
        raise UsageError("schedule: " + expected("a Schedule", type(schedule).__name__))
    want = SessionPair if schedule.protocol == "olm" else GroupSessionPair
    if not isinstance(pair, want):
        raise UsageError(
            f"pair for a {schedule.protocol} schedule: "
            + expected(want.__name__, type(pair).__name__)
        )
    sent: list[tuple[Party, AnyOlmMessage | MegolmMessage]] = []
    guard = ReplayGuard()
    outcomes: list[Outcome] = []
    for event in schedule.events:
        if isinstance(event, Send):
            for _ in range(event.count):
                text = f"message {len(sent)}".encode()
                if isinstance(pair, SessionPair):
                    side = pair.outbound if event.sender == "alice" else pair.inbound
                    sent.append((event.sender, side.encrypt(text)))
                else:
                    sent.append((event.sender, pair.outbound.encrypt(text)))
            continue
        if not 0 <= event.message < len(sent):
            raise UsageError(
                "Deliver.message: " + expected(f"a message sent before (0..{len(sent) - 1})",
                                               shown(event.message))
            )
        sender, message = sent[event.message]
        event_id = f"${len(outcomes)}"
        want_text = f"message {event.message}".encode()
        receiver: Session | InboundGroupSession
        if isinstance(pair, SessionPair):
            receiver = pair.inbound if sender == "alice" else pair.outbound
        else:
            receiver = pair.inbound
        if observer is not None:
            observer(receiver, message, event_id)
        result: OutcomeKind = "ok"
        error: str | None = None
        try:
            if isinstance(receiver, Session):
                assert isinstance(message, AnyOlmMessage)
                got = receiver.decrypt(message)
            else:
                assert isinstance(message, MegolmMessage)
                got = guard.decrypt(receiver, message, event_id).plaintext
            if got != want_text:
                result, error = "error", f"decrypted to {got!r}, sent {want_text!r}"
        except UnknownMessageIndexError as err:
            result = "missing_key" if isinstance(receiver, Session) else "unknown_index"
            error = str(err)
        except MessageGapError as err:
            result, error = "gap", str(err)
        except ReplayError as err:
            result, error = "replay", str(err)
        except (DecryptionError, OlmpyError) as err:
            result, error = "error", f"{type(err).__name__}: {err}"
        outcomes.append(Outcome(event.message, event_id, result, error))
    return tuple(outcomes)
