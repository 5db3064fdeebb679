"""Fixtures of the analytics tests (the builder lives in ``analytics_city``)."""

from __future__ import annotations

import pytest
from analytics_city import City

from disputegraph.analytics import load_risk_config
from disputegraph.analytics.config import RiskConfig


@pytest.fixture
def city() -> City:
    return City()


@pytest.fixture(scope="session")
def config() -> RiskConfig:
    return load_risk_config()
