"""Hypothesis profiles: ``fast`` by default, ``thorough`` for ``-m slow`` runs.

``tests/conftest.py`` loads one of them before any test module is imported; tests take
their example counts from :func:`examples`, which scales the count a test was written
with by the active profile, so a thorough run tries every property harder without each
test naming two numbers.

* ``fast`` -- the counts as written; the everyday run and CI.
* ``thorough`` -- :data:`THOROUGH_FACTOR` times as many examples; chosen by
  ``HYPOTHESIS_PROFILE=thorough`` or by a mark expression that selects ``slow`` tests
  (``pytest -m slow``).

No profile has a deadline: exact arithmetic on a lucky big input is slow by design, and
timings are for ``benchmarks/``, not for tests.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

__all__ = ["THOROUGH_FACTOR", "examples", "load_profile", "profile_for"]

THOROUGH_FACTOR = 10

settings.register_profile("fast", deadline=None, print_blob=True)
settings.register_profile(
    "thorough",
    deadline=None,
    print_blob=True,
    max_examples=THOROUGH_FACTOR * 100,
    suppress_health_check=(HealthCheck.too_slow,),
)

_active = "fast"


def profile_for(markexpr: str, environ: dict[str, str] | None = None) -> str:
    """The profile a run asks for: ``$HYPOTHESIS_PROFILE``, else by its ``-m`` expression.

    >>> profile_for("not slow", {}), profile_for("slow", {}), profile_for("", {})
    ('fast', 'thorough', 'fast')
    >>> profile_for("slow", {"HYPOTHESIS_PROFILE": "fast"})
    'fast'
    """
    env = os.environ if environ is None else environ
    if env.get("HYPOTHESIS_PROFILE"):
        return env["HYPOTHESIS_PROFILE"]
    selects_slow = "slow" in markexpr and "not slow" not in markexpr
    return "thorough" if selects_slow else "fast"


def load_profile(name: str) -> None:
    """Make ``name`` the active profile (for settings made from now on)."""
    global _active
    settings.load_profile(name)
    _active = name


def examples(n: int) -> settings:
    """Settings for a property test written to try ``n`` examples in the fast profile."""
    factor = THOROUGH_FACTOR if _active == "thorough" else 1
    return settings(max_examples=n * factor)
