"""Length-prefixed MessagePack frames (4-byte big-endian length, then the body) over two file descriptors."""

import glob
import os
import select
import struct
import sys
from typing import Any

# Debian's python3-msgpack is built for the system Python; another interpreter of the same
# minor version (e.g. a pyenv 3.11 before /usr/bin in PATH) can load its C codec too.
_DEBIAN = '/usr/lib/python3/dist-packages'


def _import_msgpack() -> Any:
    try:
        import msgpack
        return msgpack
    except ImportError:
        tag = f'cpython-{sys.version_info[0]}{sys.version_info[1]}-'
        if not glob.glob(os.path.join(_DEBIAN, 'msgpack', f'*{tag}*.so')):
            raise
        sys.path.append(_DEBIAN)
        try:
            import msgpack
            return msgpack
        finally:
            sys.path.remove(_DEBIAN)


try:
    _mp = _import_msgpack()

    def packb(obj: Any) -> bytes:
        return _mp.packb(obj, use_bin_type=True)

    def unpackb(data: bytes) -> Any:
        return _mp.unpackb(data, raw=False, strict_map_key=False)

    CODEC = 'msgpack ' + '.'.join(map(str, _mp.version))
except ImportError:  # the interpreter has no python3-msgpack: the bundled pure-Python codec (slower)
    from ._msgpack import packb, unpackb  # noqa: F401
    CODEC = 'bundled'

_LEN = struct.Struct('>I')


class Wire:
    def __init__(self, rfd: int, wfd: int):
        self.rfd = rfd
        self.wfd = wfd
        self.buf = bytearray()
        os.set_blocking(rfd, True)
        os.set_blocking(wfd, True)

    def read(self) -> Any:
        """The next frame's value; raises EOFError when the engine closed the pipe."""
        buf = self.buf
        while len(buf) < 4:
            self._fill()
        n = _LEN.unpack_from(buf, 0)[0]
        while len(buf) < 4 + n:
            self._fill()
        body = bytes(buf[4:4 + n])
        del buf[:4 + n]
        return unpackb(body)

    def _fill(self) -> None:
        chunk = os.read(self.rfd, 1 << 16)
        if not chunk:
            raise EOFError
        self.buf += chunk

    def write(self, value: Any) -> None:
        body = packb(value)
        data = memoryview(_LEN.pack(len(body)) + body)
        while data:
            try:
                n = os.write(self.wfd, data)
            except BlockingIOError:
                select.select([], [self.wfd], [])
                continue
            data = data[n:]
