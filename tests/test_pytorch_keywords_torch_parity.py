"""PyTorch's keyword names and argument-error types against torch live: each keyword call of
tests/test_pytorch_keywords_torch_semantics.py gives torch's values, shapes and dtypes, and
each argument error torch's exception type."""
import pytest

import autograd_engine as ae
from autograd_engine.nn import functional as F

from .test_pytorch_keywords_torch_semantics import (ERRORS, KEYWORD_CALLS, RANDOM_CALLS,
                                                    as_arrays, namespace, same)

torch = pytest.importorskip("torch")
TF = pytest.importorskip("torch.nn.functional")


@pytest.mark.parametrize("name", list(KEYWORD_CALLS))
def test_keyword_call_as_torch(name):
    keyword, _ = KEYWORD_CALLS[name]
    expected = eval(keyword, namespace(torch, TF))
    got = eval(keyword, namespace(ae, F))
    same(as_arrays(got), as_arrays(expected))


@pytest.mark.parametrize("name", list(RANDOM_CALLS))
def test_random_keyword_call_as_torch(name):
    expected = eval(RANDOM_CALLS[name], namespace(torch, TF))
    got = eval(RANDOM_CALLS[name], namespace(ae, F))
    assert got.shape == tuple(expected.shape)
    assert str(got.dtype) == str(expected.dtype).replace("torch.", "")


MISUSE = ["lib.zeros(2, size=(3,))", "lib.zeros(size=3)", "lib.ones((2,), size=(2,))",
          "lib.reshape(shape=(3, 2))", "lib.rand(size=(2,), generator=None, dtype=lib.int64)"]


@pytest.mark.parametrize("call", MISUSE)
def test_keyword_misuse_as_torch(call):
    def kind(lib):
        try:
            eval(call, namespace(lib, None))
        except Exception as exc:  # noqa: BLE001 - the type is what is compared
            return type(exc)
        return None
    assert kind(ae) is kind(torch)


@pytest.mark.parametrize("call", [e[0] for e in ERRORS])
def test_argument_error_types_as_torch(call):
    def kind(lib):
        try:
            out = eval(call.replace("ae.", "lib."), {"lib": lib})
        except Exception as exc:  # noqa: BLE001 - the type is what is compared
            return type(exc)
        return tuple(out.shape)
    assert kind(ae) == kind(torch)
