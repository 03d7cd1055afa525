"""Every convolution against PyTorch: the node name its output records, values, and gradients
of first and second order (also for an output_padding past the stride)."""
import numpy as np
import pytest

import autograd_engine as ae

from .test_convolution_op_torch_semantics import CALLS, call

torch = pytest.importorskip("torch")


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel lengths")
@pytest.mark.parametrize("name,x_shape,w_shape,bias,kwargs", CALLS)
def test_convolution_matches_torch(name, x_shape, w_shape, bias, kwargs):
    out_a, a = call(ae, name, x_shape, w_shape, bias, kwargs, np.random.default_rng(3))
    out_t, t = call(torch, name, x_shape, w_shape, bias, kwargs, np.random.default_rng(3))
    assert out_a.grad_fn.name() == out_t.grad_fn.name()
    np.testing.assert_allclose(out_a.data, out_t.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = np.random.default_rng(4).standard_normal(out_a.shape)
    grads_a = ae.autograd.grad((out_a * out_a * ae.tensor(g)).sum(), a, create_graph=True)
    grads_t = torch.autograd.grad((out_t * out_t * torch.tensor(g)).sum(), t,
                                  create_graph=True)
    for ga, gt in zip(grads_a, grads_t):
        np.testing.assert_allclose(ga.data, gt.detach().numpy(), rtol=1e-10, atol=1e-12)
    second_a = ae.autograd.grad(sum((ga * ga).sum() for ga in grads_a), a)
    second_t = torch.autograd.grad(sum((gt * gt).sum() for gt in grads_t), t)
    for ga, gt in zip(second_a, second_t):
        np.testing.assert_allclose(ga.data, gt.numpy(), rtol=1e-10, atol=1e-12)
