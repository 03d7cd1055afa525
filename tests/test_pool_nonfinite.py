"""Average pooling keeps an inf or NaN to the windows that hold it, as PyTorch's window sums
do (the matrix products of the finite path would spread it along rows and columns); the
gradient does not depend on the input, as PyTorch's."""
import numpy as np

import autograd_engine as ae
import autograd_engine.nn.functional as F


def test_only_the_windows_holding_a_non_finite_value_change():
    x = np.arange(2 * 4 * 4, dtype=np.float64).reshape(1, 2, 4, 4)
    x[0, 0, 1, 2] = np.nan
    x[0, 1, 3, 3] = np.inf
    x[0, 1, 0, 0] = -np.inf
    t = ae.tensor(x, requires_grad=True)
    y = F.avg_pool2d(t, 2)
    assert y.data[0, 0, 0, 0] == 2.5 and np.isnan(y.data[0, 0, 0, 1])
    assert y.data[0, 0, 1].tolist() == [10.5, 12.5]
    assert y.data[0, 1].tolist() == [[-np.inf, 20.5], [26.5, np.inf]]
    y.sum().backward()
    assert (t.grad.data == 0.25).all()


def test_three_dims_one_dim_adaptive_and_area():
    v = np.zeros((1, 1, 2, 2, 2))
    v[0, 0, 0, 0, 0], v[0, 0, 1, 1, 1] = np.inf, -np.inf
    assert np.isnan(F.avg_pool3d(ae.tensor(v), 2).item())
    w = np.arange(8.0).reshape(1, 1, 8)
    w[0, 0, 1] = np.inf
    assert F.avg_pool1d(ae.tensor(w), 2).tolist() == [[[np.inf, 2.5, 4.5, 6.5]]]
    img = np.ones((1, 1, 4, 4))
    img[0, 0, 0, 0] = np.nan
    for out in (F.adaptive_avg_pool2d(ae.tensor(img), 2),
                F.interpolate(ae.tensor(img), size=(2, 2), mode="area")):
        assert np.isnan(out.data[0, 0, 0, 0]) and (out.data.reshape(-1)[1:] == 1).all()
