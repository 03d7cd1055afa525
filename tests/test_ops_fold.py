"""F.unfold / F.fold and nn.Unfold / nn.Fold: values against torch 2.13's, the adjoint
identity, shapes and errors (gradients to second order are in tests/cases/conv_norm.py)."""
import numpy as np
import pytest

import autograd_engine as ae
import autograd_engine.nn as nn
import autograd_engine.nn.functional as F


def test_unfold_and_fold_match_pytorch():
    x = ae.tensor(np.arange(2 * 3 * 4 * 5, dtype=np.float64).reshape(2, 3, 4, 5))
    cols = F.unfold(x, (2, 3), padding=1, stride=(2, 1))
    assert cols.shape == (2, 18, 15)
    back = F.fold(cols, (4, 5), (2, 3), padding=1, stride=(2, 1))
    # torch 2.13: fold(unfold(x, ...), ...)[0, 0] (overlaps counted)
    assert back[0, 0].tolist() == [[0.0, 3.0, 6.0, 9.0, 8.0], [10.0, 18.0, 21.0, 24.0, 18.0],
                                   [20.0, 33.0, 36.0, 39.0, 28.0], [30.0, 48.0, 51.0, 54.0,
                                                                    38.0]]
    assert F.unfold(x[0], 2).shape == (12, 12)
    np.testing.assert_array_equal(nn.Unfold(2)(x)[:, :, 0].numpy(),
                                  x.numpy()[:, :, :2, :2].reshape(2, 12))


def test_fold_is_the_adjoint_of_unfold():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 6, 5))
    c = rng.standard_normal(F.unfold(ae.tensor(x), (3, 2), dilation=(1, 2), padding=1).shape)
    lhs = (F.unfold(ae.tensor(x), (3, 2), dilation=(1, 2), padding=1).numpy() * c).sum()
    rhs = (x * F.fold(ae.tensor(c), (6, 5), (3, 2), dilation=(1, 2), padding=1).numpy()).sum()
    assert np.isclose(lhs, rhs)


def test_fold_unfold_errors_and_reprs():
    with pytest.raises(RuntimeError, match="expected size of input's dimension 2 to match the "
                                           r"calculated number of sliding blocks 3 \* 6 = 18, "
                                           r"but got input.size\(2\)=15"):
        F.fold(ae.zeros(2, 18, 15), (4, 6), (2, 3), padding=1, stride=(2, 1))
    with pytest.raises(RuntimeError, match="divisible by the product of kernel_size"):
        F.fold(ae.zeros(1, 7, 4), 3, 2)
    with pytest.raises(RuntimeError, match="Expected 3D \\(unbatched\\) or 4D"):
        F.unfold(ae.zeros(3, 4), 2)
    with pytest.raises(RuntimeError, match="too small"):
        F.unfold(ae.zeros(1, 1, 2, 2), 3)
    assert repr(nn.Unfold((2, 3), padding=1)) == (
        "Unfold(kernel_size=(2, 3), dilation=1, padding=1, stride=1)")
    assert repr(nn.Fold((4, 5), (2, 3))) == (
        "Fold(output_size=(4, 5), kernel_size=(2, 3), dilation=1, padding=0, stride=1)")
