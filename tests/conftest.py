"""Settings for the whole test run.

Hypothesis' per-example deadline is off: `make test` runs under coverage and asyncio's debug mode on a
shared two-core machine, where a pure parser example can take 250 ms once and 0.1 ms the next time.
Tests check behaviour, not speed (the benchmarks in bench/ measure speed).
"""

from hypothesis import settings

settings.register_profile("ownstream", deadline=None)
settings.load_profile("ownstream")
