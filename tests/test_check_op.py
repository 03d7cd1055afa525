"""ae.autograd.check_op passes correct custom ops and names the problem in wrong ones."""
import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine.autograd import Function, GradcheckError, check_op


def x64(*shape, seed=0, low=-1.0, high=1.0):
    data = np.random.default_rng(seed).uniform(low, high, shape)
    return ae.tensor(data, dtype=np.float64, requires_grad=True)


class Softsign(Function):
    """y = x / (1 + |x|);  dy/dx = 1 / (1 + |x|)^2 (written with Tensor ops)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x / (1 + x.abs())

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g / ((1 + x.abs()) ** 2)


class SoftsignArrays(Function):
    """The same op with a numpy backward: differentiable once."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x / (1 + x.abs())

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g.detach().numpy() / (1 + np.abs(x.detach().numpy())) ** 2


class WrongFormula(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * x  # should be 2 x


class WrongCount(Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g * 2, g  # an extra non-None gradient (trailing Nones are allowed)


class LosesPrecision(Function):
    """The float32 path rounds to one decimal: its results drift from float64."""

    @staticmethod
    def forward(ctx, x):
        rounded = ae.tensor(np.round(x.detach().numpy(), 1), dtype=x.dtype)
        return rounded * 3 if x.dtype == np.float32 else x * 3

    @staticmethod
    def backward(ctx, g):
        return g * 3


def softsign_reference(x):
    return x / (1 + np.abs(x))


def test_correct_op_passes_every_check():
    report = check_op(Softsign, x64(3, 4), reference=softsign_reference)
    assert report.ok
    text = str(report)
    for name in ("dry run", "gradcheck", "second order", "float32 consistency", "reference"):
        assert name in text


def test_large_inputs_use_random_directions():
    report = check_op(Softsign, x64(40, 40), second_order=True)
    assert report.ok


def test_callable_composed_of_builtins():
    assert check_op(lambda a, b: (a * b).sum(dim=0), x64(3, 2), x64(3, 2, seed=1)).ok


def test_once_differentiable_op_reports_not_supported():
    report = check_op(SoftsignArrays, x64(5))
    assert report.ok
    assert "not supported" in str(report)
    assert check_op(SoftsignArrays, x64(5), second_order=False).ok
    with pytest.raises(RuntimeError, match="second_order=True.*differentiable only once"):
        check_op(SoftsignArrays, x64(5), second_order=True)


def test_wrong_formula_names_input_and_element():
    with pytest.raises(GradcheckError, match=r"check_op\(WrongFormula\): gradcheck failed for "
                                             r"input 0 at element \(\d+,\)"):
        check_op(WrongFormula, x64(3))


def test_wrong_formula_found_along_random_directions():
    with pytest.raises(GradcheckError, match=r"input 0 along a random direction.*worst "
                                             r"element \(\d+, \d+\)"):
        check_op(WrongFormula, x64(20, 20))


def test_wrong_gradient_count_is_a_runtime_error():
    with pytest.raises(RuntimeError, match=r"WrongCount.backward returned an incorrect number "
                                           r"of gradients \(expected 1, got 2\)"):
        check_op(WrongCount, x64(3))


def test_float32_inconsistency_is_named():
    with pytest.raises(GradcheckError, match=r"float32 consistency: output 0 differs.*element"):
        check_op(LosesPrecision, x64(50), second_order=False)


def test_reference_mismatch_is_named():
    with pytest.raises(GradcheckError, match=r"reference: output 0 differs from the reference "
                                             r"at element \(\d+,\)"):
        check_op(Softsign, x64(4), reference=lambda x: x / (1 + x * x))


def test_non_float64_inputs_are_rejected():
    with pytest.raises(TypeError, match="float64"):
        check_op(Softsign, ae.ones(3, requires_grad=True))
