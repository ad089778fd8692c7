"""The protobuf-style encoding shared by Olm and Megolm messages (public data only).

LEB128 varints of at most 10 bytes, and field readers that skip unknown fields of wire
types 0 and 2 and refuse a known field given twice.  Used by the pure backend's message
parsers and by the protocol objects; the native core has its own C twin.
"""

from __future__ import annotations

from olmpy.errors import MessageDecodeError, expected


def varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def read_varint(data: bytes, pos: int, end: int, what: str = "Megolm message") -> tuple[int, int]:
    value = 0
    for i in range(10):
        if pos + i >= end:
            break
        b = data[pos + i]
        value |= (b & 0x7F) << (7 * i)
        if not b & 0x80:
            if i == 9 and b > 1:
                break
            return value, pos + i + 1
    raise MessageDecodeError(
        f"{what}: expected a varint at byte {pos}, got a truncated or over-long one"
    )


def fields(
    message: bytes, end: int, what: str, known: tuple[int, ...] = (1, 2, 4)
) -> dict[int, tuple[int, int, int]]:
    """Reads the ``known`` protobuf fields of an Olm message body: field -> (wire,
    value or offset, length); other fields of wire type 0 or 2 are skipped, a known
    field given twice is an error."""
    fields: dict[int, tuple[int, int, int]] = {}
    pos = 1
    while pos < end:
        key, pos = read_varint(message, pos, end, what)
        wire, field = key & 7, key >> 3
        if wire == 0:
            value, pos = read_varint(message, pos, end, what)
            entry = (0, value, 0)
        elif wire == 2:
            length, pos = read_varint(message, pos, end, what)
            if length > end - pos:
                raise MessageDecodeError(
                    f"{what} field {field}: "
                    + expected(f"at most {end - pos} bytes", f"a length of {length}")
                )
            entry = (2, pos, length)
            pos += length
        else:
            raise MessageDecodeError(
                f"{what}: " + expected("wire type 0 or 2", f"wire type {wire}")
            )
        if field in known:
            if field in fields:
                raise MessageDecodeError(f"{what}: expected one field {field}, got two")
            fields[field] = entry
    return fields
