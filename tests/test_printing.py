"""Tensors print as PyTorch prints them (PyTorch 2.13's output written out)."""
import numpy as np

import autograd_engine as ae


def test_one_number_format_per_tensor():
    assert repr(ae.tensor([0.077, 1.3818, -2.82891])) == "tensor([ 0.0770,  1.3818, -2.8289])"
    assert repr(ae.tensor([1.0, 2.0])) == "tensor([1., 2.])"
    assert repr(ae.tensor([1e-5, 1.0])) == "tensor([1.0000e-05, 1.0000e+00])"
    assert repr(ae.tensor([float("nan"), 1.0, float("inf")])) == "tensor([nan, 1., inf])"
    assert repr(ae.tensor([-0.0, 1.5])) == "tensor([-0.0000, 1.5000])"
    assert repr(ae.tensor([1e10, 1.0])) == "tensor([1.0000e+10, 1.0000e+00])"


def test_matrices_ints_bools_scalars_and_empty():
    assert repr(ae.tensor([[1.123456, 2.0], [3.0, 4.0]])) == \
        "tensor([[1.1235, 2.0000],\n        [3.0000, 4.0000]])"
    assert repr(ae.tensor([[-1, 200], [3, 4]])) == "tensor([[ -1, 200],\n        [  3,   4]])"
    assert repr(ae.tensor([True, False])) == "tensor([ True, False])"
    assert repr(ae.tensor(3.14159)) == "tensor(3.1416)"
    assert repr(ae.zeros(0)) == "tensor([])"
    assert repr(ae.zeros(0, 3)) == "tensor([], size=(0, 3))"
    assert repr(ae.tensor([1.5, 2.25], dtype=ae.float64)) == \
        "tensor([1.5000, 2.2500], dtype=float64)"


def test_long_rows_wrap_and_large_tensors_are_summarised():
    wrapped = repr(ae.arange(40.0) * 1.5)
    assert wrapped.splitlines()[1] == ("        12.0000, 13.5000, 15.0000, 16.5000, 18.0000, "
                                       "19.5000, 21.0000, 22.5000,")
    big = repr(ae.arange(2000.0) / 7)
    assert big == "tensor([0.0000e+00, 1.4286e-01, 2.8571e-01,  ..., 2.8529e+02, 2.8543e+02,\n" \
                  "        2.8557e+02])"
    grid = repr(ae.arange(5000).reshape(50, 100)).splitlines()
    assert grid[0] == "tensor([[   0,    1,    2,  ...,   97,   98,   99],"
    assert grid[3] == "        ...," and len(grid) == 7
    assert np.isclose(float(big.split(",")[1]), 1 / 7, atol=1e-4)


def test_a_suffix_past_the_line_width_goes_on_its_own_line():
    text = repr(ae.arange(9.0, dtype=ae.float64).reshape(1, 9) * 1.5 + 1000000)
    assert text.endswith("1000012.0000]],\n       dtype=float64)")
    assert repr(ae.zeros(0, dtype=ae.int64)) == "tensor([], dtype=int64)"
