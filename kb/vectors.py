"""Article vectors for the semantic signal: one int8 row per engine slot.

A row is an L2-normalised vector quantised to int8 with its own scale
(``row * scale`` ~ the vector), so 100k articles of 512 dimensions take
~50 MB.  A question is scored against every row in chunks converted to
float32 (a float16 or int8 product has no BLAS path in numpy and is several
times slower); a free slot or one without a vector has scale 0, so it scores 0.

Rows follow the engine's slots: setting or clearing one row is O(dim), and
the matrix grows by doubling.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["VectorIndex", "quantize"]

# Rows converted to float32 at a time, into one buffer per call (1 MB at 512 dims: it stays in
# the core's cache; 4096 rows, 8 MB, allocated per chunk, took twice as long at 100k rows).
CHUNK_ROWS = 512
Floats = npt.NDArray[np.float32]


def quantize(vectors: Floats) -> tuple[npt.NDArray[np.int8], Floats]:
    """int8 rows and their scales for float rows (each row scaled to its own max)."""
    vectors = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
    peak = np.abs(vectors).max(axis=1)
    scale = np.where(peak > 0, peak / 127.0, 0.0).astype(np.float32)
    safe = np.where(scale > 0, scale, 1.0)[:, None]
    rows = np.clip(np.rint(vectors / safe), -127, 127).astype(np.int8)
    return rows, scale


class VectorIndex:
    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._rows = np.zeros((0, dim), dtype=np.int8)
        self._scales = np.zeros(0, dtype=np.float32)
        self._keys: list[str | None] = []  # slot -> version key of its vector

    @property
    def nbytes(self) -> int:
        return int(self._rows.nbytes + self._scales.nbytes)

    def _reserve(self, slot: int) -> None:
        if slot < len(self._scales):
            return
        size = max(slot + 1, 2 * len(self._scales), 64)
        rows = np.zeros((size, self.dim), dtype=np.int8)
        rows[: len(self._rows)] = self._rows
        scales = np.zeros(size, dtype=np.float32)
        scales[: len(self._scales)] = self._scales
        self._rows, self._scales = rows, scales
        self._keys.extend([None] * (size - len(self._keys)))

    def key(self, slot: int) -> str | None:
        """The version key of the vector in *slot* (None when it has none)."""
        return self._keys[slot] if slot < len(self._keys) else None

    def set(self, slot: int, key: str, row: npt.NDArray[np.int8], scale: float) -> None:
        self._reserve(slot)
        self._rows[slot] = row
        self._scales[slot] = scale
        self._keys[slot] = key

    def clear(self, slot: int) -> None:
        if slot < len(self._scales):
            self._rows[slot] = 0
            self._scales[slot] = 0.0
            self._keys[slot] = None

    def get(self, slot: int) -> tuple[npt.NDArray[np.int8], float] | None:
        if self.key(slot) is None:
            return None
        return self._rows[slot].copy(), float(self._scales[slot])

    def scores(self, queries: Floats, weights: Floats, capacity: int) -> Floats:
        """For every slot below *capacity*: the best of ``weight * cosine`` over the
        (normalised) query rows; 0 for empty slots."""
        n = min(capacity, len(self._scales))
        out = np.zeros(capacity, dtype=np.float32)
        q = np.atleast_2d(np.asarray(queries, dtype=np.float32)).T * weights[None, :]
        rows = np.empty((min(CHUNK_ROWS, n), self.dim), dtype=np.float32)
        products = np.empty((len(rows), q.shape[1]), dtype=np.float32)
        for start in range(0, n, CHUNK_ROWS):
            stop = min(start + CHUNK_ROWS, n)
            chunk, product = rows[: stop - start], products[: stop - start]
            np.copyto(chunk, self._rows[start:stop], casting="unsafe")
            np.matmul(chunk, q, out=product)
            out[start:stop] = product.max(axis=1)
        out[:n] *= self._scales[:n]
        return out
