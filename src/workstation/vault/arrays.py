"""Named NumPy arrays as compressed bytes, bit for bit.

The raw buffer is zlib-compressed at level 1: on LUDB leads that already shrinks a 12-lead
10 s record to a third, and higher levels cost twice the time for a few percent. The dtype is
stored as its full string (``<f4``, ``|u1``) so byte order survives, and NaN payloads (gaps)
come back with the same bits because nothing ever converts the values.
"""

from __future__ import annotations

import json
import zlib

import numpy as np

COMPRESSION_LEVEL = 1


def encode(array: np.ndarray) -> tuple[str, str, bytes]:
    """(dtype, shape as JSON, compressed C-order bytes)."""
    if array.dtype.hasobject:
        raise TypeError("arrays of Python objects cannot be stored; convert them to numbers")
    contiguous = np.ascontiguousarray(array)
    payload = zlib.compress(contiguous.tobytes(), COMPRESSION_LEVEL)
    return array.dtype.str, json.dumps(list(array.shape)), payload


def decode(dtype: str, shape: str, payload: bytes) -> np.ndarray:
    """A read-only array equal, bit for bit, to the one given to ``encode``."""
    data = zlib.decompress(payload)
    return np.frombuffer(data, dtype=np.dtype(dtype)).reshape(json.loads(shape))


def compress_block(block: np.ndarray) -> bytes:
    return zlib.compress(np.ascontiguousarray(block).tobytes(), COMPRESSION_LEVEL)


def decompress_into(target: np.ndarray, payload: bytes) -> None:
    """Fill ``target`` (a view into the destination array) from ``compress_block`` bytes."""
    data = zlib.decompress(payload)
    target[...] = np.frombuffer(data, dtype=target.dtype).reshape(target.shape)
