"""Shared by tests/ and bench/: every test and benchmark starts with the process's matmul
dispatch, as a new process would."""
import pytest


@pytest.fixture(autouse=True)
def _matmul_dispatch_starts_over():
    """``auto`` keeps large matmuls on BLAS until a convolution claims the cores
    (``kernels.matmul.claim_cores``): an earlier test's convolution must not have moved them
    to the Numba GEMM."""
    yield
    from autograd_engine.kernels import matmul

    matmul.set_matmul_backend(matmul.get_matmul_backend())
