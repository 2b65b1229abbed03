"""
A small pure-Python MessagePack codec, used when the `msgpack` package (Debian's
python3-msgpack) is not installed for the interpreter the user picked. It covers what the
engine sends: nil, bool, int, float, str, bin, array, map (no ext types).
"""

import struct
from typing import Any, List, Tuple

_pack_d = struct.Struct('>d').pack
_unpack_from = struct.unpack_from


def packb(obj: Any) -> bytes:
    out: List[bytes] = []
    _pack(obj, out.append)
    return b''.join(out)


def _pack(o: Any, w: Any) -> None:
    if o is None:
        w(b'\xc0')
    elif o is True:
        w(b'\xc3')
    elif o is False:
        w(b'\xc2')
    elif isinstance(o, int):
        if 0 <= o < 0x80:
            w(bytes((o,)))
        elif -32 <= o < 0:
            w(struct.pack('b', o))
        elif 0 <= o < 2 ** 32:
            w(b'\xce' + struct.pack('>I', o))
        elif 0 <= o < 2 ** 64:
            w(b'\xcf' + struct.pack('>Q', o))
        elif -2 ** 63 <= o < 0:
            w(b'\xd3' + struct.pack('>q', o))
        else:
            raise OverflowError(f'integer {o} does not fit MessagePack')
    elif isinstance(o, float):
        w(b'\xcb' + _pack_d(o))
    elif isinstance(o, str):
        b = o.encode('utf-8')
        n = len(b)
        w(bytes((0xa0 | n,)) if n < 32 else b'\xd9' + bytes((n,)) if n < 256 else b'\xda' + struct.pack('>H', n) if n < 65536 else b'\xdb' + struct.pack('>I', n))
        w(b)
    elif isinstance(o, (bytes, bytearray, memoryview)):
        b = bytes(o)
        n = len(b)
        w(b'\xc4' + bytes((n,)) if n < 256 else b'\xc5' + struct.pack('>H', n) if n < 65536 else b'\xc6' + struct.pack('>I', n))
        w(b)
    elif isinstance(o, (list, tuple)):
        n = len(o)
        w(bytes((0x90 | n,)) if n < 16 else b'\xdc' + struct.pack('>H', n) if n < 65536 else b'\xdd' + struct.pack('>I', n))
        for v in o:
            _pack(v, w)
    elif isinstance(o, dict):
        n = len(o)
        w(bytes((0x80 | n,)) if n < 16 else b'\xde' + struct.pack('>H', n) if n < 65536 else b'\xdf' + struct.pack('>I', n))
        for k, v in o.items():
            _pack(k, w)
            _pack(v, w)
    else:
        raise TypeError(f'cannot encode {type(o).__name__} as MessagePack')


def unpackb(data: bytes) -> Any:
    value, end = _unpack(memoryview(data), 0)
    if end != len(data):
        raise ValueError('extra bytes after the MessagePack value')
    return value


_FIXED = {0xc0: None, 0xc2: False, 0xc3: True}
_NUM = {0xca: '>f', 0xcb: '>d', 0xcc: '>B', 0xcd: '>H', 0xce: '>I', 0xcf: '>Q', 0xd0: '>b', 0xd1: '>h', 0xd2: '>i', 0xd3: '>q'}


def _unpack(b: memoryview, i: int) -> Tuple[Any, int]:
    t = b[i]
    i += 1
    if t < 0x80:
        return t, i
    if t >= 0xe0:
        return t - 256, i
    if 0xa0 <= t <= 0xbf:
        return _str(b, i, t & 0x1f)
    if 0x90 <= t <= 0x9f:
        return _array(b, i, t & 0x0f)
    if 0x80 <= t <= 0x8f:
        return _map(b, i, t & 0x0f)
    if t in _FIXED:
        return _FIXED[t], i
    fmt = _NUM.get(t)
    if fmt:
        size = struct.calcsize(fmt)
        return _unpack_from(fmt, b, i)[0], i + size
    if t in (0xd9, 0xda, 0xdb, 0xc4, 0xc5, 0xc6, 0xdc, 0xdd, 0xde, 0xdf):
        fmt = {0xd9: '>B', 0xc4: '>B', 0xda: '>H', 0xc5: '>H', 0xdc: '>H', 0xde: '>H'}.get(t, '>I')
        n = _unpack_from(fmt, b, i)[0]
        i += struct.calcsize(fmt)
        if t in (0xd9, 0xda, 0xdb):
            return _str(b, i, n)
        if t in (0xc4, 0xc5, 0xc6):
            return bytes(b[i:i + n]), i + n
        if t in (0xdc, 0xdd):
            return _array(b, i, n)
        return _map(b, i, n)
    raise ValueError(f'unsupported MessagePack type 0x{t:02x}')


def _str(b: memoryview, i: int, n: int) -> Tuple[str, int]:
    return str(b[i:i + n], 'utf-8'), i + n


def _array(b: memoryview, i: int, n: int) -> Tuple[List[Any], int]:
    out = []
    for _ in range(n):
        v, i = _unpack(b, i)
        out.append(v)
    return out, i


def _map(b: memoryview, i: int, n: int) -> Tuple[dict, int]:
    out = {}
    for _ in range(n):
        k, i = _unpack(b, i)
        v, i = _unpack(b, i)
        out[k] = v
    return out, i
