"""Short full garbage collections in a long-running server.

A full collection (the oldest generation) walks every object the collector tracks, with the event
loop stopped. After start-up that is hundreds of thousands of objects which will never be garbage:
modules, the ORM's mappings, the knowledge-base index, the sentence encoder's vocabulary. Each
full pass walked them all, 135-140 ms on the reference machine, and a Slack request arriving
meanwhile waited that long for its ack (``bench/slack_ack.py --process``).

:func:`settle` moves what exists now into the permanent generation, so later passes walk only
what came after. The server settles once it has started, and again when the semantic model,
loaded in the background, has joined the index.
"""

from __future__ import annotations

import gc
import logging

log = logging.getLogger(__name__)


def settle() -> None:
    """Collect what is garbage now, then exempt everything left from later collections."""
    gc.collect()
    gc.freeze()
    log.debug("heap settled: %d objects exempt from collection", gc.get_freeze_count())
