"""Every intake transcript runs under every messenger's channel name."""

from __future__ import annotations

import pytest

from tests.integration.intake.harness import CHANNELS


@pytest.fixture(params=CHANNELS)
def channel(request: pytest.FixtureRequest) -> str:
    return str(request.param)
