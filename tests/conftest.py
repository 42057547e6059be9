"""Shared test configuration: the hypothesis profile is chosen before tests are imported.

See :mod:`tests.profiles`: ``fast`` by default, ``thorough`` for ``pytest -m slow`` or
``HYPOTHESIS_PROFILE=thorough``.
"""

from __future__ import annotations

import pytest

from tests.profiles import load_profile, profile_for


def pytest_configure(config: pytest.Config) -> None:
    load_profile(profile_for(config.getoption("markexpr", "") or ""))


def pytest_report_header(config: pytest.Config) -> str:
    return f"hypothesis profile: {profile_for(config.getoption('markexpr', '') or '')}"
