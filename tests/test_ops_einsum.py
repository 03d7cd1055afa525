"""ae.einsum: values against np.einsum over explicit, implicit, ellipsis, diagonal and
broadcast equations; operands as a list; dtypes; PyTorch's errors. (Gradients of every case
are checked to second order in tests/cases/einsum.py.)"""
import numpy as np
import pytest

import autograd_engine as ae

RNG = np.random.default_rng(0)


@pytest.mark.parametrize("equation,shapes,expected_shape", [
    ("ij,jk->ik", [(2, 3), (3, 4)], (2, 4)),
    ("ij,jk", [(2, 3), (3, 4)], (2, 4)),
    ("ba", [(2, 3)], (3, 2)),  # implicit output: sorted letters
    ("ii", [(3, 3)], ()),
    ("ii->i", [(3, 3)], (3,)),
    ("...ij,...jk", [(5, 2, 3), (3, 4)], (5, 2, 4)),
    ("b...,b->...", [(2, 3, 4), (2,)], (3, 4)),
    ("ij,ij->ij", [(1, 3), (4, 3)], (4, 3)),
    ("i j , j k -> i k", [(2, 3), (3, 4)], (2, 4)),
    ("ijk,jl,lk->i", [(2, 3, 4), (3, 5), (5, 4)], (2,)),
    ("Ab,bC->AC", [(2, 3), (3, 4)], (2, 4)),
])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_einsum_matches_numpy(equation, shapes, expected_shape, dtype):
    arrays = [RNG.standard_normal(s).astype(dtype) for s in shapes]
    out = ae.einsum(equation, *[ae.tensor(a) for a in arrays])
    assert out.shape == expected_shape and out.dtype == dtype
    np.testing.assert_allclose(out.numpy(), np.einsum(equation.replace(" ", ""), *arrays),
                               rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-6)


def test_einsum_takes_a_list_and_propagates_gradients():
    a = ae.randn(2, 3, dtype=ae.float64, requires_grad=True)
    b = ae.randn(3, 4, dtype=ae.float64, requires_grad=True)
    ae.einsum("ij,jk->ik", [a, b]).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), np.ones((2, 4)) @ b.detach().numpy().T)
    np.testing.assert_allclose(b.grad.numpy(), a.detach().numpy().T @ np.ones((2, 4)))
    m = ae.randn(3, 3, dtype=ae.float64, requires_grad=True)
    ae.einsum("ii", m).backward()  # trace: the identity
    np.testing.assert_array_equal(m.grad.numpy(), np.eye(3))


def test_einsum_errors_as_pytorch():
    with pytest.raises(RuntimeError, match="subscript j has size 4 for operand 1 which does "
                                           "not broadcast with previously seen size 3"):
        ae.einsum("ij,jk", ae.ones(2, 3), ae.ones(4, 5))
    with pytest.raises(RuntimeError, match="fewer operands were provided than specified"):
        ae.einsum("ij,jk->ik", ae.ones(2, 3))
    with pytest.raises(RuntimeError, match="output subscript k does not appear in the "
                                           "equation for any input operand"):
        ae.einsum("ij->ik", ae.ones(2, 3))
    with pytest.raises(RuntimeError, match=r"the number of subscripts in the equation \(3\) "
                                           r"does not match the number of dimensions \(2\) "
                                           r"for operand 0 and no ellipsis was given"):
        ae.einsum("ijk", ae.ones(2, 3))
    with pytest.raises(RuntimeError, match="same dtype"):
        ae.einsum("ij,jk", ae.ones(2, 3), ae.ones(3, 5, dtype=ae.float64))
    with pytest.raises(RuntimeError, match="subscript i is repeated for operand 0 but the "
                                           "sizes don't match, 3 != 2"):
        ae.einsum("ii", ae.ones(2, 3))
    with pytest.raises(RuntimeError, match="invalid subscripts"):
        ae.einsum("i1,j", ae.ones(2), ae.ones(2))


@pytest.mark.parametrize("spec, shapes", [("ij,jk->ik", [(3, 4), (4, 5)]),
                                          ("bhqk,bhkd->bhqd", [(2, 3, 4, 4), (2, 3, 4, 5)])])
def test_contraction_result_is_c_contiguous_so_it_can_be_viewed(spec, shapes):
    """As PyTorch's: numpy lays some contractions out in the operands' order."""
    out = ae.einsum(spec, *[ae.randn(*s) for s in shapes])
    assert out.data.flags.c_contiguous
    assert out.view(-1).shape == (out.numel(),)
