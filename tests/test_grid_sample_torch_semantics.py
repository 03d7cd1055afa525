"""``F.grid_sample`` and ``F.affine_grid``: PyTorch 2.13's values and gradients (w.r.t.
input and grid) written out for every mode, padding mode and align_corners, 2-D and 3-D;
its errors and warnings; gradcheck and gradgradcheck in float64."""
import warnings

import numpy as np
import pytest

import autograd_engine as ae
import autograd_engine.nn.functional as F
from autograd_engine.autograd import gradcheck, gradgradcheck

# input (1, 1, 3, 3), grid (1, 1, 4, 2) of points inside, on the way out and outside; the
# output is weighted by [1, -2, 0.5, 3] before differentiating. (values, d input, d grid)
EXPECTED_2D = {
    ('bilinear', 'zeros', False): (
        [0.6825, -0.91625, 0.0553125, 0.0],
        [0.2925, 0.0, 0.016875, 0.3575, -0.245, -0.096875, 0.0, -1.155, -0.495],
        [1.575, 0.975, -6.9, 3.15, -0.8296875, -0.103125, 0.0, 0.0],
    ),
    ('bilinear', 'zeros', True): (
        [1.0675, -0.7475, 0.34125, 1.485],
        [0.27, 0.03, 0.1575, 0.63, -0.65, 0.0125, 1.485, -0.88, -0.22],
        [-1.325, 1.025, -2.4, 2.9, -0.24375, -0.9625, 8.1, -4.95],
    ),
    ('bilinear', 'border', False): (
        [1.05, -0.91625, 1.10625, 3.0],
        [0.45, 0.0, 0.3375, 0.55, -0.245, 0.0575, 3.0, -1.155, -0.495],
        [-0.0, 1.5, -6.9, 3.15, -0.0, -2.0625, -0.0, -0.0],
    ),
    ('bilinear', 'border', True): (
        [1.0675, -0.7475, 0.4875, 3.0],
        [0.27, 0.03, 0.225, 0.63, -0.65, 0.095, 3.0, -0.88, -0.22],
        [-1.325, 1.025, -2.4, 2.9, -0.0, -1.375, -0.0, -0.0],
    ),
    ('bilinear', 'reflection', False): (
        [1.05, -0.91625, 1.10625, 2.125],
        [0.45, 0.0, 0.3375, 0.55, -0.245, 0.0575, 2.475, -0.63, -0.495],
        [-0.0, 1.5, -6.9, 3.15, -0.0, -2.0625, 22.5, -0.0],
    ),
    ('bilinear', 'reflection', True): (
        [1.0675, -0.7475, 0.2475, 0.76875],
        [0.27, 0.0975, 0.1575, 0.795, -0.4325, 0.0125, 1.485, 0.335, -0.22],
        [-1.325, 1.025, -2.4, 2.9, -0.4, -0.775, 13.875, 0.5625],
    ),
    ('nearest', 'zeros', False): (
        [1.5, -2.0, 0.0, 0.0],
        [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, -2.0, 0.0],
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    ),
    ('nearest', 'zeros', True): (
        [1.5, -2.0, -0.75, 3.0],
        [0.0, 0.0, 0.0, 1.0, 0.0, 0.5, 3.0, -2.0, 0.0],
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    ),
    ('nearest', 'border', False): (
        [1.5, -2.0, 2.0, 3.0],
        [0.0, 0.0, 0.5, 1.0, 0.0, 0.0, 3.0, -2.0, 0.0],
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    ),
    ('nearest', 'border', True): (
        [1.5, -2.0, -0.75, 3.0],
        [0.0, 0.0, 0.0, 1.0, 0.0, 0.5, 3.0, -2.0, 0.0],
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    ),
    ('nearest', 'reflection', False): (
        [1.5, -2.0, 2.0, 3.0],
        [0.0, 0.0, 0.5, 1.0, 0.0, 0.0, 3.0, -2.0, 0.0],
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    ),
    ('nearest', 'reflection', True): (
        [1.5, -2.0, -0.75, 3.0],
        [0.0, 0.0, 0.0, 1.0, 0.0, 0.5, 3.0, -2.0, 0.0],
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    ),
    ('bicubic', 'zeros', False): (
        [0.75262277124, -1.593350385254, 0.053995244934, -0.097228145325],
        [0.406078655273, -0.027699820862, 0.028909816589, 0.56571929895, -0.356764253845,
         -0.103861576843, 0.022127261353, -1.547710351501, -0.613008608093],
        [1.586882966309, 0.604028781738, -8.068038222656, 2.795859316406, -0.891721755066,
         -0.106688226929, 1.43948163208, 1.466399251099],
    ),
    ('bicubic', 'zeros', True): (
        [1.065922, -1.2554705, 0.3989304375, 2.074291505859],
        [0.3032791875, 0.153582363281, 0.250387558594, 0.794864179687, -0.914220230469,
         0.057049707031, 1.951361132812, -1.515167042969, -0.305001027344],
        [-0.3315009375, 1.150445625, -0.57393421875, 4.95786, -0.228146542969, -1.676180625,
         11.657004257813, -4.060042207031],
    ),
    ('bicubic', 'border', False): (
        [1.011524451416, -1.476691288818, 1.068243859863, 3.089578125],
        [0.488855777344, -0.018336771606, 0.358289588013, 0.589725170898, -0.356764253845,
         0.084826192322, 3.252825301758, -1.399195849548, -0.500225155334],
        [0.035761838379, 1.220330632324, -6.708908649902, 4.580917646484, -0.081319152832,
         -2.560587670898, 0.0, -1.68328125],
    ),
    ('bicubic', 'border', True): (
        [0.983501125, -1.0584805625, 0.33226828125, 3.624851982422],
        [0.240084, 0.153993585938, 0.273891164063, 0.663480914062, -0.914220230469,
         0.174192441406, 3.512716335938, -1.352429605469, -0.251708605469],
        [-0.7606490625, 1.17677625, -0.17232375, 4.5242925, 0.00963046875, -1.9471171875,
         2.264296289063, 2.668942089844],
    ),
    ('bicubic', 'reflection', False): (
        [1.069935454102, -1.476691288818, 1.121137939453, 2.331500367432],
        [0.515359705078, -0.056587785645, 0.370036674316, 0.373887211914, -0.48942432251,
         0.100605469971, 3.047260895508, -0.793460548096, -0.567677300537],
        [-0.330109277344, 1.146722607422, -6.708908649902, 4.580917646484, -0.791213378906,
         -2.695513183594, 27.73876706543, -0.866630786133],
    ),
    ('bicubic', 'reflection', True): (
        [0.98978284375, -1.22189525, 0.356035488281, 1.052850363281],
        [0.277490496094, 0.2071648125, 0.252079066406, 0.89070515625, -0.642302, 0.05647184375,
         1.953773097656, 0.0548871875, -0.550269660156],
        [-0.3613865625, 1.4280590625, -1.3427175, 4.78953, -0.478505566406, -1.447791210938,
         20.576069296875, 0.685997929688],
    ),
}
EXPECTED_3D = {
    ('bilinear', 'zeros', False): (
        [0.128936568864, 0.169180260173, -0.054645353418],
        [0.112, 0.0, 0.0, 0.448, 0.0, 0.0, 0.048, 0.002125, -0.341625, 0.192, 0.040375,
         0.007125],
        [0.241756066619, 0.244995360539, 0.128732545685, 0.534253453177, -1.127868401151,
         0.563934200575, -0.031241404386, -0.065962941057, 0.273226767091],
    ),
    ('bilinear', 'zeros', True): (
        [0.064873265372, 0.800650700415, -0.190129223892],
        [0.168, 0.015, -0.063, 0.312, 0.078, 0.0, 0.112, -0.386, -1.186, 0.208, 0.313, 0.029],
        [-0.290980870929, 0.000577522094, 0.038715270794, -0.574459897698, -0.88961188935,
         -0.000627532228, -0.095670156472, -0.255968356793, 0.059415382466],
    ),
    ('bilinear', 'border', False): (
        [0.16117071108, 0.989358246623, -0.546453534181],
        [0.14, 0.0, 0.0, 0.56, 0.0, 0.0, 0.06, 0.02125, -1.99625, 0.24, 0.40375, 0.07125],
        [-0.0, 0.306244200674, 0.160915682106, 0.0, 0.0, 0.0, -0.312414043862, -0.659629410572,
         0.0],
    ),
    ('bilinear', 'border', True): (
        [0.064873265372, 0.88961188935, -0.237661529865],
        [0.168, 0.012, -0.07, 0.312, 0.078, 0.0, 0.112, -0.41825, -1.31625, 0.208, 0.37825,
         0.03625],
        [-0.290980870929, 0.000577522094, 0.038715270794, -0.638288775221, 0.0, -0.000697258032,
         -0.11958769559, -0.319960445991, 0.0],
    ),
    ('bilinear', 'reflection', False): (
        [0.16117071108, 0.989358246623, -0.546453534181],
        [0.14, 0.0, 0.0, 0.56, 0.0, 0.0, 0.06, 0.02125, -1.99625, 0.24, 0.40375, 0.07125],
        [-0.0, 0.306244200674, 0.160915682106, 0.0, -0.0, 0.0, -0.312414043862, -0.659629410572,
         -0.0],
    ),
    ('bilinear', 'reflection', True): (
        [0.064873265372, 0.714155311315, -0.256142401917],
        [0.168, 0.03975, -0.06025, 0.312, 0.14025, 0.00025, 0.112, -0.386, -1.186, 0.208, 0.256,
         -0.104],
        [-0.290980870929, 0.000577522094, 0.038715270794, -0.485804551729, -1.754565780353,
         -0.004136358529, -0.10845875832, -0.337231771906, -0.023101090065],
    ),
    ('nearest', 'zeros', False): (
        [0.14112000806, 0.0, 0.0],
        [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    ),
    ('nearest', 'zeros', True): (
        [0.14112000806, 0.989358246623, -0.544021110889],
        [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, -2.0, 0.0, 0.5, 0.0],
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    ),
    ('nearest', 'border', False): (
        [0.14112000806, 0.989358246623, -0.544021110889],
        [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, -2.0, 0.0, 0.5, 0.0],
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    ),
    ('nearest', 'border', True): (
        [0.14112000806, 0.989358246623, -0.544021110889],
        [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, -2.0, 0.0, 0.5, 0.0],
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    ),
    ('nearest', 'reflection', False): (
        [0.14112000806, 0.989358246623, -0.544021110889],
        [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, -2.0, 0.0, 0.5, 0.0],
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    ),
    ('nearest', 'reflection', True): (
        [0.14112000806, 0.989358246623, -0.544021110889],
        [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, -2.0, 0.0, 0.5, 0.0],
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    ),
}

X_2D = [[[[0.5, -1.0, 2.0], [1.5, 0.25, -0.75], [3.0, -2.0, 1.0]]]]
GRID_2D = [[[[-0.9, -0.3], [0.2, 0.55], [1.3, -0.45], [-1.45, 1.1]]]]
GRID_3D = [[[[[-0.8, 0.3, -0.2], [0.7, -1.2, 0.9], [0.1, 0.45, 1.4]]]]]


def _check(expected, x, grid, weights, **kwargs):
    x = ae.tensor(np.asarray(x, np.float64), requires_grad=True)
    grid = ae.tensor(np.asarray(grid, np.float64), requires_grad=True)
    out = F.grid_sample(x, grid, **kwargs)
    (out * ae.tensor(np.asarray(weights, np.float64))).sum().backward()
    values, dx, dgrid = expected
    np.testing.assert_allclose(out.data.ravel(), values, rtol=1e-10, atol=1e-11)
    np.testing.assert_allclose(x.grad.data.ravel(), dx, rtol=1e-10, atol=1e-11)
    np.testing.assert_allclose(grid.grad.data.ravel(), dgrid, rtol=1e-10, atol=1e-11)


@pytest.mark.parametrize("key", list(EXPECTED_2D), ids=str)
def test_2d_values_and_gradients(key):
    mode, padding_mode, align_corners = key
    _check(EXPECTED_2D[key], X_2D, GRID_2D, [[[[1.0, -2.0, 0.5, 3.0]]]], mode=mode,
           padding_mode=padding_mode, align_corners=align_corners)


@pytest.mark.parametrize("key", list(EXPECTED_3D), ids=str)
def test_3d_values_and_gradients(key):
    mode, padding_mode, align_corners = key
    x = np.sin(np.arange(12.0)).reshape(1, 1, 2, 2, 3)
    _check(EXPECTED_3D[key], x, GRID_3D, np.array([1.0, -2.0, 0.5]).reshape(1, 1, 1, 1, 3),
           mode=mode, padding_mode=padding_mode, align_corners=align_corners)


def test_nearest_mode_gives_the_grid_a_zero_gradient():
    x = ae.tensor(np.ones((1, 1, 3, 3)), requires_grad=True)
    grid = ae.tensor(np.full((1, 2, 2, 2), 0.3), requires_grad=True)
    (grad,) = ae.autograd.grad(F.grid_sample(x, grid, "nearest", align_corners=False).sum(),
                               grid)
    np.testing.assert_array_equal(grad.data, np.zeros((1, 2, 2, 2)))


def test_half_way_points_round_to_even_in_nearest_mode():
    x = ae.tensor(np.arange(3.0).reshape(1, 1, 1, 3))
    # align_corners=True over 3 pixels: x = -0.5 and 0.5 fall on 0.5 and 1.5 (to 0 and 2)
    grid = ae.tensor(np.array([[[[-0.5, 0.0], [0.5, 0.0], [-1.0, 0.0]]]]))
    out = F.grid_sample(x, grid, "nearest", align_corners=True)
    np.testing.assert_array_equal(out.data.ravel(), [0.0, 2.0, 0.0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_and_shape_of_the_result(dtype):
    x = ae.tensor(np.ones((2, 3, 4, 5), dtype))
    out = F.grid_sample(x, ae.tensor(np.zeros((2, 6, 7, 2), dtype)), align_corners=False)
    assert out.shape == (2, 3, 6, 7) and out.dtype == dtype
    out = F.grid_sample(ae.tensor(np.ones((2, 3, 4, 5, 6), dtype)),
                        ae.tensor(np.zeros((2, 1, 2, 3, 3), dtype)), align_corners=True)
    assert out.shape == (2, 3, 1, 2, 3) and out.dtype == dtype


@pytest.mark.parametrize("x_shape,grid_shape,out_shape", [
    ((0, 3, 4, 5), (0, 6, 7, 2), (0, 3, 6, 7)),
    ((2, 0, 4, 5), (2, 6, 7, 2), (2, 0, 6, 7)),
    ((2, 3, 4, 5), (2, 0, 7, 2), (2, 3, 0, 7)),
])
def test_empty_batch_channels_and_grid(x_shape, grid_shape, out_shape):
    out = F.grid_sample(ae.zeros(*x_shape), ae.zeros(*grid_shape), align_corners=False)
    assert out.shape == out_shape


GRID_ERRORS = [  # (input shape, grid shape, keyword arguments, PyTorch's exception)
    ((2, 3, 4, 5), (2, 6, 7, 2), {"mode": "foo"}, ValueError),
    ((2, 3, 4, 5), (2, 6, 7, 2), {"padding_mode": "foo"}, ValueError),
    ((2, 3, 4, 5), (1, 6, 7, 2), {}, RuntimeError),  # batch sizes differ
    ((2, 3, 4, 5), (2, 6, 7, 1), {}, RuntimeError),  # grid's last dim
    ((3, 4, 5), (6, 7, 2), {}, RuntimeError),  # unbatched: batch sizes differ
    ((2, 3, 0, 5), (2, 6, 7, 2), {}, RuntimeError),  # empty spatial dim
    ((2, 3, 4, 5), (2, 3, 4, 5, 2), {}, RuntimeError),  # ranks differ
    ((2, 3, 4, 5, 6), (2, 1, 2, 3), {}, RuntimeError),
    ((2, 3, 4, 5, 6), (2, 1, 2, 3, 3), {"mode": "bicubic"}, RuntimeError),
    ((2, 3, 5), (2, 6, 1), {}, RuntimeError),  # 3-D input
    ((), (), {}, IndexError),
]


@pytest.mark.parametrize("x_shape,grid_shape,kwargs,exc", GRID_ERRORS)
def test_errors(x_shape, grid_shape, kwargs, exc):
    with pytest.raises(exc):
        F.grid_sample(ae.zeros(*x_shape), ae.zeros(*grid_shape), align_corners=False, **kwargs)


@pytest.mark.parametrize("x_dtype,grid_dtype,exc", [
    (np.int64, np.float32, NotImplementedError), (np.int64, np.int64, NotImplementedError),
    (np.float32, np.float64, RuntimeError), (np.float64, np.float32, RuntimeError),
    (np.float32, np.int64, RuntimeError)])
def test_dtype_errors(x_dtype, grid_dtype, exc):
    with pytest.raises(exc):
        F.grid_sample(ae.tensor(np.zeros((1, 1, 2, 2), x_dtype)),
                      ae.tensor(np.zeros((1, 1, 1, 2), grid_dtype)), align_corners=False)


def test_align_corners_none_warns_and_means_false():
    x, grid = ae.randn(1, 1, 3, 3), ae.rand(1, 2, 2, 2) * 2 - 1
    theta = ae.tensor([[[1.0, 0.2, 0.1], [0.1, 0.9, -0.2]]])
    for call, explicit in ((lambda: F.grid_sample(x, grid),
                            lambda: F.grid_sample(x, grid, align_corners=False)),
                           (lambda: F.affine_grid(theta, [1, 1, 2, 3]),
                            lambda: F.affine_grid(theta, [1, 1, 2, 3], align_corners=False))):
        with pytest.warns(UserWarning, match="Default grid_sample and affine_grid behavior "
                          "has changed to align_corners=False since 1.3.0") as record:
            out = call()
        assert record[0].filename == __file__
        np.testing.assert_array_equal(out.data, explicit().data)


# -- affine_grid --------------------------------------------------------------------------------
THETA_2D = [[[1.0, 0.2, 0.1], [0.1, 0.9, -0.2]]]
THETA_3D = [[[1.0, 0.2, 0.1, 0.3], [0.1, 0.9, -0.2, 0.0], [0.0, 0.1, 1.1, -0.1]]]


@pytest.mark.parametrize("theta,size,align_corners,expected", [
    (THETA_2D, [1, 1, 2, 3], False,
     [[[[-0.666666666667, -0.716666666667], [0.0, -0.65], [0.666666666667, -0.583333333333]],
       [[-0.466666666667, 0.183333333333], [0.2, 0.25], [0.866666666667, 0.316666666667]]]]),
    (THETA_2D, [1, 1, 2, 3], True,
     [[[[-1.1, -1.2], [-0.1, -1.1], [0.9, -1.0]], [[-0.7, 0.6], [0.3, 0.7], [1.3, 0.8]]]]),
    (THETA_3D, [1, 1, 2, 1, 2], False,
     [[[[[-0.25, 0.05, -0.65], [0.75, 0.15, -0.65]]],
       [[[-0.15, -0.15, 0.45], [0.85, -0.05, 0.45]]]]]),
])
def test_affine_grid_values(theta, size, align_corners, expected):
    out = F.affine_grid(ae.tensor(np.array(theta)), size, align_corners=align_corners)
    assert out.dtype == np.float64
    np.testing.assert_allclose(out.data, expected, atol=1e-12)


def test_affine_grid_unit_size_with_align_corners_warns():
    theta = ae.tensor(np.array(THETA_3D))
    with pytest.warns(UserWarning, match="affine_grid behavior has changed for unit-size"):
        out = F.affine_grid(theta, [1, 1, 2, 1, 2], align_corners=True)
    np.testing.assert_allclose(out.data, [[[[[-0.8, 0.1, -1.2], [1.2, 0.3, -1.2]]],
                                           [[[-0.6, -0.3, 1.0], [1.4, -0.1, 1.0]]]]],
                               atol=1e-12)


@pytest.mark.parametrize("theta_shape,size,dtype,exc", [
    ((1, 2, 3), [1, 1, 3, 4], np.int64, ValueError),
    ((2, 3), [1, 1, 3, 4], np.float32, ValueError),
    ((1, 2, 3), [1, 1, 3, 4, 5], np.float32, ValueError),
    ((1, 2, 3), [1, 1, 3], np.float32, NotImplementedError),
    ((1, 2, 3), [1, 1, 1, 1, 3, 4], np.float32, NotImplementedError),
    ((1, 2, 3), [1, 1, 0, 4], np.float32, ValueError),
    ((1, 2, 3), [2, 1, 3, 4], np.float32, RuntimeError),  # batch of theta vs size
])
def test_affine_grid_errors(theta_shape, size, dtype, exc):
    with pytest.raises(exc):
        F.affine_grid(ae.tensor(np.zeros(theta_shape, dtype)), size, align_corners=False)


# -- gradients of every order -------------------------------------------------------------------
def _inputs(x_shape, grid_shape, seed, scale=1.2):
    rng = np.random.default_rng(seed)
    return (ae.tensor(rng.standard_normal(x_shape), requires_grad=True),
            ae.tensor(rng.uniform(-scale, scale, grid_shape), requires_grad=True))


CONFIGS = [(mode, padding_mode, align_corners)
           for mode in ("bilinear", "nearest", "bicubic")
           for padding_mode in ("zeros", "border", "reflection")
           for align_corners in (False, True)]


@pytest.mark.parametrize("mode,padding_mode,align_corners", CONFIGS)
def test_gradcheck_2d(mode, padding_mode, align_corners):
    inputs = _inputs((2, 2, 3, 4), (2, 3, 2, 2), seed=1)

    def fn(x, grid):
        return F.grid_sample(x, grid, mode, padding_mode, align_corners)
    assert gradcheck(fn, inputs)
    assert gradgradcheck(fn, inputs)


@pytest.mark.parametrize("mode,padding_mode,align_corners",
                         [c for c in CONFIGS if c[0] != "bicubic"])
def test_gradcheck_3d(mode, padding_mode, align_corners):
    inputs = _inputs((1, 2, 2, 3, 4), (1, 2, 2, 1, 3), seed=2)

    def fn(x, grid):
        return F.grid_sample(x, grid, mode, padding_mode, align_corners)
    assert gradcheck(fn, inputs)
    assert gradgradcheck(fn, inputs)


@pytest.mark.parametrize("size", [[2, 1, 3, 4], [2, 1, 2, 3, 2]])
@pytest.mark.parametrize("align_corners", [False, True])
def test_affine_grid_gradcheck(size, align_corners):
    k = len(size) - 2
    theta = ae.tensor(np.random.default_rng(3).standard_normal((2, k, k + 1)),
                      requires_grad=True)
    assert gradcheck(lambda t: F.affine_grid(t, size, align_corners), (theta,))
    assert gradgradcheck(lambda t: F.affine_grid(t, size, align_corners), (theta,))


def test_spatial_transformer_composition_differentiates_wrt_theta():
    x, _ = _inputs((1, 1, 4, 4), (1, 1, 1, 2), seed=4)
    theta = ae.tensor(np.array([[[0.9, 0.1, 0.05], [-0.1, 1.1, 0.02]]]), requires_grad=True)

    def fn(x, theta):
        return F.grid_sample(x, F.affine_grid(theta, [1, 1, 3, 3], align_corners=False),
                             align_corners=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert gradcheck(fn, (x, theta))
        assert gradgradcheck(fn, (x, theta))
