"""Elementwise ops follow PyTorch 2.13 where they used to differ: clamp with Tensor bounds,
dtypes with numpy scalars, pow's integer and zero-exponent rules, bool operands, where's
condition, and ``//`` / ``%``. Expected values are PyTorch's, written out."""
import warnings

import numpy as np
import pytest

import autograd_engine as ae


def _grad(out, inputs, **kwargs):
    return ae.autograd.grad(out, inputs, **kwargs)


def _f64(values, requires_grad=True):
    return ae.tensor(values, dtype=ae.float64, requires_grad=requires_grad)


def _check(t, values, dtype):
    assert t.dtype == np.dtype(dtype), (t.dtype, dtype)
    np.testing.assert_array_equal(t.detach().numpy(), np.asarray(values, dtype))


# -- clamp with Tensor bounds (A1) ---------------------------------------------------------
def test_clamp_tensor_bounds_are_inclusive_at_ties():
    x = ae.tensor([0.0, 0.5, 1.0], requires_grad=True)
    x.clamp(min=ae.tensor(0.0), max=ae.tensor(1.0)).sum().backward()
    _check(x.grad, [1, 1, 1], np.float32)
    x = ae.tensor([0.0, 2.0], requires_grad=True)
    lo = ae.tensor([0.0, 3.0], requires_grad=True)
    x.clamp(min=lo).sum().backward()
    _check(x.grad, [1, 0], np.float32)
    _check(lo.grad, [0, 1], np.float32)


X = [0.0, 0.5, 1.0, -1.0, 2.0]
LO = [0.0, 0.0, 0.0, 0.0, 3.0]
HI = [1.0, 1.0, 1.0, 1.0, 1.0]


def test_clamp_tensor_bound_gradients_match_torch():
    cases = [  # (bounds from lo and hi, torch's gradients of x and of each bound)
        (lambda lo, hi: {"min": lo}, ([1, 1, 1, 0, 0], [0, 0, 0, 1, 1])),
        (lambda lo, hi: {"max": hi}, ([1, 1, 1, 1, 0], [0, 0, 0, 0, 1])),
        (lambda lo, hi: {"min": lo, "max": hi},
         ([1, 1, 1, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 0, 1])),
        (lambda lo, hi: {"min": hi, "max": lo},  # min > max: all to max
         ([0, 0, 0, 0, 1], [0, 0, 0, 0, 0], [1, 1, 1, 1, 0])),
    ]
    for bounds, expected in cases:
        x = _f64(X)
        kwargs = bounds(_f64(LO), _f64(HI))
        grads = _grad(x.clamp(**kwargs).sum(), [x, *kwargs.values()])
        for g, e in zip(grads, expected):
            _check(g, e, np.float64)


def test_clamp_with_the_same_tensor_as_both_bounds_matches_torch():
    x, lo = _f64(X), _f64(LO)
    gx, glo = _grad(x.clamp(min=lo, max=lo).sum(), [x, lo])
    _check(gx, [1, 0, 0, 0, 0], np.float64)
    _check(glo, [0, 1, 1, 0, 0], np.float64)


def test_clamp_tensor_bounds_second_order_matches_torch():
    x, lo, hi = _f64(X), _f64(LO), _f64(HI)
    grads = _grad((x.clamp(lo, hi) ** 2).sum(), [x, lo, hi], create_graph=True)
    second = _grad(sum((g * g).sum() for g in grads), [x, lo, hi])
    for g, e in zip(second, ([0, 4, 8, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 8])):
        _check(g, e, np.float64)


def test_clamp_tensor_bound_of_the_wrong_shape_raises():
    with pytest.raises(RuntimeError, match=r"clamp: shapes \(3,\) and \(2,\)"):
        ae.tensor([-1.0, 0.0, 2.0]).clamp(min=ae.tensor([0.5, 1.5]))


# -- dtypes with numpy scalars and mixed bounds (A8) ----------------------------------------
F32 = ae.tensor([-1.0, 0.0, 2.0])
I64 = ae.tensor([-1, 0, 2])
I32 = ae.tensor([-1, 0, 2], dtype=ae.int32)
B = ae.tensor([True, False, True])


def test_result_dtypes_with_scalars_and_bounds_match_torch():
    cases = [  # (result, torch's dtype, torch's values)
        (I64.clamp(min=0.5), np.float32, [0.5, 0.5, 2]),
        (I64.clamp(max=4.5), np.float32, [-1, 0, 2]),
        (I32.clamp(min=2.5), np.float32, [2.5, 2.5, 2.5]),
        (F32.clamp(min=np.float64(1.5)), np.float32, [1.5, 1.5, 2]),
        (F32.clamp(max=np.int64(1)), np.float32, [-1, 0, 1]),
        (I64.clamp(min=np.float32(0.5)), np.float32, [0.5, 0.5, 2]),
        (I32.clamp(min=np.int64(1)), np.int32, [1, 1, 2]),
        (B.clamp(min=np.int32(2)), np.int64, [2, 2, 2]),
        (B.clamp(max=2.5), np.float32, [1, 0, 1]),
        (I64.clamp(min=0, max=1), np.int64, [0, 0, 1]),
        (I32.clamp(min=0, max=1), np.int32, [0, 0, 1]),
        (F32.clamp(min=ae.tensor(0.5, dtype=ae.float64)), np.float32, [0.5, 0.5, 2]),
        (I64.clamp(min=ae.tensor(0.5, dtype=ae.float64)), np.float64, [0.5, 0.5, 2]),
        (I64.clamp(min=ae.tensor(0.5)), np.float32, [0.5, 0.5, 2]),
        (F32.clamp(min=_f64([0.5] * 3, False)), np.float64, [0.5, 0.5, 2]),
        (I32.clamp(min=ae.tensor(1)), np.int32, [1, 1, 2]),
        (I32.clamp(min=ae.tensor([1, 1, 1])), np.int64, [1, 1, 2]),
        (B.clamp(min=ae.tensor(0.5)), np.float32, [1, 0.5, 1]),
        (F32 + np.float64(2.5), np.float32, [1.5, 2.5, 4.5]),
        (np.float64(2.0) * F32, np.float32, [-2, 0, 4]),
        (ae.maximum(F32, np.float64(0.5)), np.float32, [0.5, 0.5, 2]),
        (ae.where(F32 > 0, F32, np.float64(9)), np.float32, [9, 9, 2]),
        (I32 + np.int64(1), np.int32, [0, 1, 3]),
    ]
    for i, (out, dtype, values) in enumerate(cases):
        assert out.dtype == np.dtype(dtype), (i, out.dtype, dtype)
        np.testing.assert_array_equal(out.numpy(), np.asarray(values, dtype), err_msg=str(i))


# -- pow (A7, C4) ----------------------------------------------------------------------------
@pytest.mark.parametrize("exponent", [0, 0.0, np.float64(0)], ids=["0", "0.0", "np 0"])
def test_second_order_of_a_zero_scalar_exponent_is_finite(exponent):
    x = _f64([0.0, 1.0, 2.0])
    (g,) = _grad((x ** exponent + x * x).sum(), x, create_graph=True)
    _check(_grad(g.sum(), x)[0], [2, 2, 2], np.float64)


def test_zero_scalar_exponent_gradient_is_a_constant_zero():
    x = _f64([0.0, 1.0, 2.0])
    (g,) = _grad((x ** 0).sum(), x, create_graph=True)
    _check(g, [0, 0, 0], np.float64)
    assert not g.requires_grad
    # a Tensor exponent keeps PyTorch's where() formula, NaN at 0 included
    (g,) = _grad((x ** _f64(0.0, False) + x * x).sum(), x, create_graph=True)
    np.testing.assert_array_equal(_grad(g.sum(), x)[0].numpy(), [np.nan, 2, 2])


def test_integer_pow_with_negative_tensor_exponents_matches_torch():
    _check(ae.tensor([1, 2, 3]) ** ae.tensor([-1, 2, -2]), [1, 4, 0], np.int64)
    _check(ae.tensor([2, 3]) ** ae.tensor(-1), [0, 0], np.int64)
    base, exponent = [-1, -1, 0, 0, 1, -2, 5], [-1, -2, -1, 0, -3, -1, 0]
    _check(ae.tensor(base) ** ae.tensor(exponent), [-1, 1, 0, 1, 1, 0, 1], np.int64)
    _check(ae.tensor(base, dtype=ae.int32) ** ae.tensor(exponent, dtype=ae.int32),
           [-1, 1, 0, 1, 1, 0, 1], np.int32)
    _check(2 ** ae.tensor([1, -2, 3]), [2, 0, 8], np.int64)
    _check((-1) ** ae.tensor([1, -2, 3]), [-1, 1, -1], np.int64)
    _check(ae.tensor([True, False]) ** ae.tensor([-1, 2]), [1, 0], np.int64)
    _check(ae.pow(ae.tensor([2, 3]), ae.tensor([[-1], [2]])), [[0, 0], [4, 9]], np.int64)
    # only a negative scalar exponent is refused, as PyTorch
    for exponent in (-1, np.int64(-1)):
        with pytest.raises(RuntimeError, match="pow: integers to negative integer powers"):
            ae.tensor([2, 3]) ** exponent
    with pytest.raises(RuntimeError, match="pow: integers to negative integer powers"):
        ae.tensor([2, 3], dtype=ae.int32) ** -1
    with pytest.raises(RuntimeError, match=r"pow: shapes \(2,\) and \(3,\)"):
        ae.tensor([2, 3]) ** ae.tensor([-1, 2, 3])


def test_bool_pow_matches_torch():
    _check(ae.tensor([True, False]) ** True, [True, False], np.bool_)
    _check(ae.tensor([True, False]) ** False, [True, True], np.bool_)
    _check(ae.tensor([True, False]) ** 2, [1, 0], np.int64)
    with pytest.raises(NotImplementedError, match="pow: not implemented for 'Bool'"):
        ae.tensor([True, False]) ** ae.tensor([True, True])
    with pytest.raises(NotImplementedError, match="pow: not implemented for 'Bool'"):
        True ** ae.tensor([True, False])


# -- bool operands (C3, B1, B2) and where's condition (B3) ----------------------------------
def test_sign_of_a_bool_tensor_is_the_tensor():
    b = ae.tensor([True, False])
    _check(ae.sign(b), [True, False], np.bool_)
    _check(b.sign(), [True, False], np.bool_)
    assert ae.sign(b).data is not b.data


@pytest.mark.parametrize("fn", [
    lambda: ae.tensor([True]) - ae.tensor([False]),
    lambda: ae.tensor([True]).sub(ae.tensor([True])),
    lambda: ae.sub(ae.tensor([True]), ae.tensor([True]), alpha=2),
], ids=["operator", "method", "alpha"])
def test_subtracting_two_bool_tensors_raises_runtime_error(fn):
    with pytest.raises(RuntimeError, match="sub: .* two bool tensors .*dtypes bool and bool"):
        fn()


@pytest.mark.parametrize("fn", [
    lambda: ae.tensor([True]) - ae.tensor([1.0]),
    lambda: ae.tensor([1.0]) - ae.tensor([True]),
    lambda: ae.tensor([1]) - ae.tensor([True]),
    lambda: ae.tensor([1.0]) - True,
    lambda: True - ae.tensor([1.0]),
    lambda: 2.5 - ae.tensor([True]),
    lambda: ae.tensor([True]) - 1,
    lambda: ae.tensor([1.0]) - ae.tensor(True),
    lambda: ae.sub(ae.tensor([1.0]), ae.tensor([True]), alpha=2),
], ids=["bool-float", "float-bool", "int-bool", "float-True", "True-float", "2.5-bool",
        "bool-1", "float-0d bool", "alpha"])
def test_subtracting_a_bool_operand_raises_runtime_error(fn):
    with pytest.raises(RuntimeError, match="sub: .* with a bool tensor is not supported"):
        fn()


@pytest.mark.parametrize("fn", [lambda b: -b, ae.neg, lambda b: b.neg()],
                         ids=["operator", "function", "method"])
def test_negating_a_bool_tensor_raises_runtime_error(fn):
    with pytest.raises(RuntimeError, match="neg: .* bool tensor .*dtype bool"):
        fn(ae.tensor([True]))


@pytest.mark.parametrize("cond,name", [(ae.tensor([1, 0]), "int64"),
                                       (ae.tensor([1.0, 0.0]), "float32"),
                                       (ae.tensor([1, 0], dtype=ae.int32), "int32")])
def test_where_with_a_non_bool_condition_raises_runtime_error(cond, name):
    with pytest.raises(RuntimeError, match=f"where expected condition to be a boolean tensor, "
                                           f"but got a tensor with dtype {name}"):
        ae.where(cond, ae.tensor([1.0, 2.0]), ae.tensor([3.0, 4.0]))


def test_where_accepts_a_uint8_condition_with_a_warning():
    x = ae.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with pytest.warns(UserWarning, match="uint8 condition"):
        out = ae.where(ae.tensor(np.array([1, 0, 2], np.uint8)), x, ae.tensor([3.0, 4.0, 5.0]))
    _check(out, [1, 4, 3], np.float32)
    out.sum().backward()
    _check(x.grad, [1, 0, 1], np.float32)


# -- floor_divide and remainder (C12) -------------------------------------------------------
A = [7, -7, 7, -7, 0]
D = [2, 2, -2, -2, 3]
AF = [7.5, -7.5, 7.5, -7.5, 0.0, -0.0, 5.0, np.inf, 1.0]
DF = [2.0, 2.0, -2.0, -2.0, 3.0, 3.0, 0.0, 2.0, np.inf]


def test_integer_floor_divide_and_remainder_round_like_python():
    a, d = ae.tensor(A), ae.tensor(D)
    for out in (a // d, ae.floor_divide(a, d), a.floor_divide(d)):
        _check(out, [3, -4, -4, 3, 0], np.int64)
    for out in (a % d, ae.remainder(a, d), a.remainder(d)):
        _check(out, [1, 1, -1, -1, 0], np.int64)
    _check(a // 2, [3, -4, 3, -4, 0], np.int64)
    _check(a % -2, [-1, -1, -1, -1, 0], np.int64)
    _check(7 // d, [3, 3, -4, -4, 2], np.int64)
    _check(7 % d, [1, 1, -1, -1, 1], np.int64)
    _check(ae.remainder(7, d), [1, 1, -1, -1, 1], np.int64)
    _check(ae.tensor([2 ** 62, -2 ** 62]) // ae.tensor([3, 3]),
           [1537228672809129301, -1537228672809129302], np.int64)
    _check(ae.tensor([2 ** 62, -2 ** 62]) % ae.tensor([3, 3]), [1, 2], np.int64)


def test_float_floor_divide_and_remainder_match_torch_bit_for_bit():
    a, d = ae.tensor(AF), ae.tensor(DF)
    q, r = a // d, a % d
    _check(q, [3, -4, -4, 3, 0, -0.0, np.inf, np.nan, 0], np.float32)
    _check(r, [1.5, 0.5, -0.5, -1.5, 0, -0.0, np.nan, np.nan, 1], np.float32)
    finite = [0, 1, 2, 3, 4, 5, 8]
    np.testing.assert_array_equal(np.signbit(q.numpy()[finite]),
                                  [False, True, True, False, False, True, False])
    np.testing.assert_array_equal(np.signbit(r.numpy()[finite]),
                                  [False, False, True, True, False, True, False])
    # PyTorch keeps fmod's zero sign where np.remainder gives the divisor's
    zeros = ae.tensor([-6.0, 6.0, -6.0, 6.0]) % ae.tensor([3.0, -3.0, -3.0, 3.0])
    np.testing.assert_array_equal(np.signbit(zeros.numpy()), [True, False, True, False])
    _check(ae.tensor([5.0, -5.0]) % np.inf, [5, np.inf], np.float32)
    _check(ae.tensor([5.0, -5.0]) // np.inf, [0, -1], np.float32)
    _check(ae.tensor([0.3]) % ae.tensor([0.1]), [7.450580596923828e-09], np.float32)
    _check(ae.tensor([0.3]) // ae.tensor([0.1]), [3], np.float32)
    a64, d64 = _f64([-0.3, 0.3], False), _f64([0.1], False)
    _check(a64 // d64, [-3, 2], np.float64)
    _check(a64 % d64, [2.7755575615628914e-17, 0.09999999999999998], np.float64)
    _check(ae.tensor([1.0, -1.0, 0.0]) // 0, [np.inf, -np.inf, np.nan], np.float32)
    _check(ae.tensor([1.0, -1.0, 0.0]) // -0.0, [-np.inf, np.inf, np.nan], np.float32)
    _check(ae.tensor([1.0, -1.0, 0.0]) % 0, [np.nan] * 3, np.float32)


def test_floor_divide_and_remainder_promote_like_the_other_binary_ops():
    a = ae.tensor(A)
    _check(a // 2.5, [2, -3, 2, -3, 0], np.float32)
    _check(a % 2.5, [2, 0.5, 2, 0.5, 0], np.float32)
    _check(7.5 % ae.tensor(D), [1.5, 1.5, -0.5, -0.5, 1.5], np.float32)
    _check(a // ae.tensor(2.0, dtype=ae.float64), [3, -4, 3, -4, 0], np.float64)
    _check(a % ae.tensor([2, 3, 4, 5, 6], dtype=ae.int32), [1, 2, 3, 3, 0], np.int64)
    _check(ae.tensor([7, -7], dtype=ae.int32) // ae.tensor(2), [3, -4], np.int32)
    _check(ae.tensor([7.5, -7.5]) % np.float64(2), [1.5, 0.5], np.float32)
    _check(_f64([1.0, 2.0], False) // ae.tensor([1.0, 3.0]), [1, 0], np.float64)
    _check(ae.tensor([True, False]) // 2, [0, 0], np.int64)
    _check(ae.tensor([True, False]) % 2, [1, 0], np.int64)
    _check(ae.tensor([5, 6]) % True, [0, 0], np.int64)


def test_floor_divide_and_remainder_errors_match_torch():
    for fn in (ae.floor_divide, ae.remainder):
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            fn(ae.tensor(A), 0)
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            fn(ae.tensor(A), ae.tensor([0, 1, 1, 1, 1]))
        with pytest.raises(NotImplementedError, match="not implemented for 'Bool'"):
            fn(ae.tensor([True, False]), ae.tensor([True, True]))
        with pytest.raises(RuntimeError, match=r"shapes \(2,\) and \(3,\)"):
            fn(ae.tensor([5, 6]), ae.tensor([1, 2, 3]))


def test_floor_divide_has_no_derivative_like_torch():
    x = ae.tensor([7.5, -7.5], requires_grad=True)
    y = x // 2.0
    assert y.requires_grad
    with pytest.raises(RuntimeError, match="derivative for floor_divide is not implemented"):
        (y + x).sum().backward()
    assert not (ae.tensor([7, -7]) // 2).requires_grad


def test_remainder_gradients_match_torch():
    x, y = _f64([7.5, -7.5, 6.0]), _f64([2.0, 2.0, 3.0])
    gx, gy = _grad((x % y).sum(), [x, y])
    _check(gx, [1, 1, 1], np.float64)
    _check(gy, [-3, 4, -2], np.float64)
    y = _f64([-2.0, -2.0, -3.0])
    _check(_grad((x % y).sum(), y)[0], [4, -3, 2], np.float64)
    x = ae.tensor([7.5, -7.5], requires_grad=True)
    _check(_grad((x % ae.tensor([2.0, 3.0], dtype=ae.float64)).sum(), x)[0], [1, 1],
           np.float32)


def test_remainder_second_order_matches_torch():
    x, y = _f64([7.5, -7.5, 6.0]), _f64([2.0, 2.0, 3.0])
    gx, gy = _grad((x % y * x).sum(), [x, y], create_graph=True)
    hx, hy = _grad(gx.sum(), [x, y], retain_graph=True)
    _check(hx, [2, 2, 2], np.float64)
    _check(hy, [-3, 4, -2], np.float64)
    hx, hy = _grad(gy.sum(), [x, y])  # y is reached through floor(x / y)'s zero gradient
    _check(hx, [-3, 4, -2], np.float64)
    np.testing.assert_array_equal(np.abs(hy.numpy()), [0, 0, 0])


def test_in_place_floor_divide_and_remainder():
    t = ae.tensor([7, -7])
    t //= 2
    _check(t, [3, -4], np.int64)
    t = ae.tensor([7, -7])
    t %= 2
    _check(t, [1, 1], np.int64)
    t = ae.tensor([7.0, -7.0])
    t //= 2.5
    _check(t, [2, -3], np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = ae.tensor([7.0, -7.0])
        t %= ae.tensor([2.0, 0.0])
        _check(t, [1, np.nan], np.float32)


def test_sign_of_nan_is_zero():
    out = ae.sign(ae.tensor([float("nan"), -2.0, 0.0, 3.0]))
    assert out.tolist() == [0.0, -1.0, 0.0, 1.0] and out.dtype == ae.float32
    assert ae.sign(ae.tensor(float("nan"))).item() == 0.0  # 0-d too


def test_sign_gradient_is_zero_even_for_an_inf_or_nan_gradient():
    a = ae.tensor([0.5, -1.0], requires_grad=True)
    ae.sign(a).backward(ae.tensor([float("inf"), float("nan")]))
    assert a.grad.tolist() == [0.0, 0.0]


def test_threshold_keeps_an_integer_dtype():
    out = ae.nn.functional.threshold(ae.tensor([1, 5]), 2, 3.7)
    assert out.dtype == ae.int64 and out.tolist() == [3, 5]


def test_bitwise_ops_refuse_floats_with_not_implemented_error():
    for call in (lambda: ae.tensor([1.5]) & 1, lambda: ae.tensor([1]) | 1.5,
                 lambda: ae.tensor([1.5]) << 1, lambda: ae.tensor([True]) << ae.tensor([True])):
        with pytest.raises(NotImplementedError, match="not implemented for"):
            call()
    assert (ae.tensor([True]) << 1).tolist() == [2] and (ae.tensor([3]) << ae.tensor([True])
                                                           ).tolist() == [6]


# -- dtype errors, as torch 2.13 raises them ---------------------------------------------------
@pytest.mark.parametrize("name", ["abs", "floor", "ceil", "trunc", "round"])
def test_rounding_and_abs_refuse_bool(name):
    # torch: NotImplementedError "abs_cpu" not implemented for 'Bool' (and the others alike);
    # integer tensors pass through
    mask = ae.tensor([True, False])
    with pytest.raises(NotImplementedError, match=f"^{name}: not implemented for 'Bool'"):
        getattr(ae, name)(mask)
    assert getattr(ae, name)(ae.tensor([3, -2])).tolist() == ([3, 2] if name == "abs"
                                                              else [3, -2])
    if name == "abs":
        with pytest.raises(NotImplementedError):
            abs(mask)


def test_frac_is_for_floats_only():
    with pytest.raises(NotImplementedError, match="^frac: not implemented for int64"):
        ae.frac(ae.tensor([1, 2]))
    assert ae.frac(ae.tensor([1.5, -2.25])).tolist() == [0.5, -0.25]


def test_atan2_takes_two_tensors():
    x = ae.ones(2)
    with pytest.raises(TypeError, match=r"atan2\(\): argument 'other' \(position 2\) must be "
                                        r"Tensor, not float"):
        ae.atan2(x, 2.0)
    with pytest.raises(TypeError, match="must be Tensor, not float"):
        x.atan2(2.0)
    with pytest.raises(TypeError, match=r"argument 'input' \(position 1\)"):
        ae.atan2(2.0, x)
    assert x.atan2(ae.ones(2)).tolist() == pytest.approx([0.7853981633974483] * 2)


@pytest.mark.parametrize("call", [lambda a, b: ae.add(a, b, alpha=0.5),
                                  lambda a, b: ae.sub(a, b, alpha=1.0),
                                  lambda a, b: a.add(3, alpha=2.0),
                                  lambda a, b: a.clone().add_(b, alpha=0.5),
                                  lambda a, b: a.clone().sub_(b, alpha=0.5),
                                  lambda a, b: ae.rsub(a, 3, alpha=0.5)],
                         ids=["add", "sub", "add-scalar", "add_", "sub_", "rsub"])
def test_float_alpha_with_integral_operands_raises(call):
    # torch: RuntimeError "For integral input tensors, argument alpha must not be a floating
    # point number."; a float operand makes it fine
    a, b = ae.tensor([1, 2]), ae.tensor([1, 1])
    with pytest.raises(RuntimeError, match="for integral input tensors, argument alpha must "
                                           "not be a floating point number"):
        call(a, b)
    assert ae.add(a, b.double(), alpha=0.5).tolist() == [1.5, 2.5]
    assert ae.sub(a, b, alpha=2).tolist() == [-1, 0]
