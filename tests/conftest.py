"""Hypothesis profiles: ``ci`` (default: fixed seed, bounded time) and ``long`` (by hand:
``pytest -m fuzz --hypothesis-profile=long``)."""
from hypothesis import HealthCheck, Phase, settings

_SLOW_DATA = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]

settings.register_profile("ci", derandomize=True, database=None, deadline=None,
                          max_examples=300, suppress_health_check=_SLOW_DATA,
                          print_blob=True,
                          # no shrinking: a failure prints its reproduce blob at once
                          phases=[Phase.explicit, Phase.reuse, Phase.generate])
settings.register_profile("long", deadline=None, max_examples=2000,
                          suppress_health_check=_SLOW_DATA, print_blob=True)
settings.load_profile("ci")
