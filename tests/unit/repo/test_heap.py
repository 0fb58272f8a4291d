"""chatdesk.heap: garbage is freed first, then what lives is exempt from later collections."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from chatdesk import heap


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector can free it


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # leave the test process as it was


def test_settle_frees_garbage_then_exempts_what_lives(unfrozen: None) -> None:
    kept = [Node() for _ in range(100)]
    garbage = weakref.ref(Node())  # unreachable at once, but alive until a collection
    assert garbage() is not None
    before = gc.get_freeze_count()

    heap.settle()

    assert garbage() is None  # collected, not frozen for good
    assert gc.get_freeze_count() >= before + len(kept)
    lost = weakref.ref(kept[0])
    kept.clear()
    gc.collect()
    assert lost() is not None  # frozen: full collections no longer walk it
