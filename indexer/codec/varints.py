"""Non-negative integers written seven bits a byte, the high bit saying more follow."""

from collections.abc import Iterable


def encode_varints(numbers: Iterable[int]) -> bytes:
    """Write non-negative integers seven bits a byte, the high bit saying more follow.

    >>> encode_varints([1, 300]).hex()
    '01ac02'
    """
    out = bytearray()
    for n in numbers:
        while n > 0x7F:
            out.append(n & 0x7F | 0x80)
            n >>= 7
        out.append(n)
    return bytes(out)


def decode_varints(data: bytes) -> list[int]:
    """Read back what encode_varints wrote.

    >>> decode_varints(bytes.fromhex('01ac02'))
    [1, 300]
    """
    numbers = []
    n = shift = 0
    for byte in data:
        n |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
        else:
            numbers.append(n)
            n = shift = 0
    return numbers


def read_varint(data: bytes, pos: int) -> tuple[int, int]:
    """Return the integer that starts at pos and the position after it."""
    n = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        n |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return n, pos
        shift += 7


def first_varint(data: bytes) -> int:
    n = shift = 0
    for byte in data:
        n |= (byte & 0x7F) << shift
        if not byte & 0x80:
            break
        shift += 7
    return n
