"""Hypothesis profiles: ``ci`` (default: fixed seed, bounded time) and ``long`` (by hand:
``pytest -m fuzz --hypothesis-profile=long``)."""
import pytest
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


@pytest.fixture
def threaded(monkeypatch):
    """A function that makes kernels run multi-threaded at every size from then on, in 3
    parts (uneven splits, more parts than this machine's cores)."""
    from autograd_engine.kernels import config, threads

    def switch_on() -> None:
        monkeypatch.setattr(config, "PARALLEL_MIN_SIZE", 1)
        monkeypatch.setattr(threads, "_count", 3)

    return switch_on


@pytest.fixture
def inplace_recording():
    """PyTorch's in-place rules (``ae.autograd.set_inplace_recording(True)``) for one test;
    a module opts in whole with ``pytestmark = pytest.mark.usefixtures("inplace_recording")``."""
    import autograd_engine as ae

    with ae.autograd.set_inplace_recording(True):
        yield



@pytest.fixture
def numba_matmul():
    """Large matmuls on the Numba GEMM for one test (the ops then take the stride-1
    convolution GEMM)."""
    from autograd_engine.kernels import matmul

    saved = matmul.get_matmul_backend()
    matmul.set_matmul_backend("numba")
    yield
    matmul.set_matmul_backend(saved)
