"""In-place ops in the graph, against PyTorch: each case runs the same code with ``ae`` and
with torch and compares values, gradients and exception types (skipped without torch)."""
import numpy as np
import pytest

import autograd_engine as ae

pytestmark = pytest.mark.usefixtures("inplace_recording")  # PyTorch's in-place rules

torch = pytest.importorskip("torch")


def _t(lib, values, requires_grad=False):
    return lib.tensor(np.array(values, np.float64), requires_grad=requires_grad)


def _mul_own_input(lib):
    x = _t(lib, [1.0, -2.0, 3.0], True)
    y = x * 2
    y.mul_(x)
    y.sum().backward()
    return [x.grad, y]


def _chain_of_writes(lib):
    x, w = _t(lib, [1.0, -2.0, 3.0], True), _t(lib, [0.5, 2.0, -1.0], True)
    y = x * 1
    y.mul_(w)
    y.add_(w, alpha=2)
    y.sub_(x, alpha=0.5)
    y.div_(w)
    (y ** 2).sum().backward()
    return [x.grad, w.grad, y]


def _row_of_matrix(lib):
    x = _t(lib, [[1.0, -2.0], [3.0, 4.0]], True)
    y = x * 2
    y[0].mul_(3)
    y.sum().backward()
    return [x.grad, y]


def _view_taken_before_the_write(lib):
    x = _t(lib, [[1.0, -2.0], [3.0, 4.0]], True)
    y = x * 2
    column = y[:, 0]
    y.mul_(3)
    column.sum().backward()
    return [x.grad, column]


def _view_backward_directly(lib):
    x = _t(lib, [1.0, 2.0, 3.0], True)
    y = x * 2
    tail = y[1:]
    y.mul_(3)
    tail.backward(_t(lib, [1.0, 1.0]))
    return [x.grad]


def _augmented_index_assignment(lib):
    x = _t(lib, [[1.0, -2.0], [3.0, 4.0]], True)
    y = x * 2
    y[0] += x[1]
    (y * y).sum().backward()
    return [x.grad, y]


def _scalar_element_of_a_vector(lib):
    x = _t(lib, [1.0, -2.0, 3.0], True)
    y = x * 1
    y[1].mul_(5)
    y.sum().backward()
    return [x.grad, y]


def _leaf(lib):
    _t(lib, [1.0, -2.0, 3.0], True).add_(1)


def _view_of_leaf(lib):
    x = _t(lib, [[1.0, -2.0], [3.0, 4.0]], True)
    x[0].add_(1)


def _scalar_mul_saves_nothing(lib):
    x = _t(lib, [1.0, -2.0, 3.0], True)
    y = x * 1
    z = y * 2
    y.add_(1)
    z.sum().backward()
    return [x.grad]


def _mask_mul_saves_only_the_mask(lib):
    x = _t(lib, [1.0, -2.0, 3.0], True)
    y = x * 1
    z = y * _t(lib, [0.0, 1.0, 2.0])
    y.mul_(4)
    z.sum().backward()
    return [x.grad]


def _matmul_saves_only_what_its_backward_needs(lib):
    x = _t(lib, [[1.0, -2.0], [3.0, 0.5]], True)
    y = x * 1
    z = y @ _t(lib, [[1.0, 2.0], [3.0, 4.0]])  # a constant weight: y's value is not needed
    y.add_(1)
    z.sum().backward()
    return [x.grad]


def _matmul_input_overwritten(lib):
    w = _t(lib, [[1.0, 2.0], [3.0, 4.0]], True)
    y = _t(lib, [[1.0, -2.0], [3.0, 0.5]], True) * 1
    z = y @ w
    y.add_(1)
    z.sum().backward()


def _saved_output_overwritten(lib):
    x = _t(lib, [1.0, -2.0, 3.0], True)
    y = x.exp()
    y.relu_()
    y.sum().backward()


def _saved_input_overwritten(lib):
    x = _t(lib, [1.0, -2.0, 3.0], True)
    y = x * 1
    z = y * y
    y.add_(1)
    z.sum().backward()


def _copy_into_a_buffer(lib):
    w = _t(lib, [1.0, 2.0, 3.0], True)
    buffer = _t(lib, [0.0, 0.0, 0.0])
    buffer.copy_(w * 2)
    (buffer * buffer).sum().backward()
    return [w.grad, buffer]


def _transposed_view(lib):
    x = _t(lib, [[1.0, -2.0], [3.0, 4.0]], True)
    y = x * 1
    y.t().mul_(_t(lib, [[1.0, 2.0], [3.0, 4.0]]))
    (y * y).sum().backward()
    return [x.grad, y]


def _view_of_a_reshape(lib):
    x = _t(lib, [1.0, -2.0, 3.0, 4.0], True)
    y = (x * 1).reshape(2, 2)
    v = y.view(4)
    v[1:3].mul_(10)
    (y.sum() + (v * v).sum()).backward()
    return [x.grad, y]


def _retain_grad_follows_the_newest_value(lib):
    x = _t(lib, [1.0, -2.0, 3.0], True)
    y = x * 1
    y.retain_grad()
    y.mul_(2)
    (y * y).sum().backward()
    return [x.grad, y.grad]


def _hook_sees_the_old_value_gradient(lib):
    x = _t(lib, [1.0, -2.0, 3.0], True)
    y = x * 1
    seen = []
    y.register_hook(lambda g: seen.append(g.clone()))
    y.mul_(2)
    (y * y).sum().backward()
    return [x.grad, seen[0]]


def _zero_and_fill(lib):
    x = _t(lib, [1.0, -2.0, 3.0], True)
    y, z = x * 1, x * 1
    y.zero_()
    z.fill_(2.0)
    (y + z + x).sum().backward()
    return [x.grad, y, z]


def _fill_with_a_tensor(lib):
    x = _t(lib, [1.0, -2.0, 3.0], True)
    s = _t(lib, 2.0, True)
    y = x * 1
    y.fill_(s * 3)
    (y * x).sum().backward()
    return [x.grad, s.grad]


def _clamp(lib):
    x = _t(lib, [0.5, -2.0, 3.0], True)
    y = x * 1
    y.clamp_(-1, 1)
    (y * 3).sum().backward()
    return [x.grad, y]


def _divide_by_own_input(lib):
    x = _t(lib, [1.0, -2.0, 3.0], True)
    y = x * 1
    y.div_(x)
    y.sum().backward()
    return [x.grad]


def _functional_inplace_activations(lib):
    x = _t(lib, [1.0, -2.0, 3.0], True)
    F = lib.nn.functional
    y = x * 1
    F.relu(y, inplace=True)
    z = x * 1
    F.elu(z, alpha=0.5, inplace=True)
    h = x * 1
    F.hardtanh(h, -1.0, 2.0, inplace=True)
    (y * 1 + z * 2 + h * 3).sum().backward()
    return [x.grad, y, z, h]


def _pointwise_inplace_methods(lib):
    x = _t(lib, [0.5, 1.5, 3.0], True)
    outs = []
    for name in ("exp_", "sigmoid_", "tanh_", "neg_", "abs_", "sqrt_", "square_",
                 "reciprocal_", "relu_"):
        y = x * 1
        getattr(y, name)()
        outs.append(y)
    y = x * 1
    y.pow_(3)
    outs.append(y)
    total = sum((o * (i + 1)).sum() for i, o in enumerate(outs))
    total.backward()
    return [x.grad] + outs


def _ema_lerp(lib):
    x = _t(lib, [1.0, 2.0, 3.0], True)
    ema = _t(lib, [0.0, 0.0, 0.0])
    ema.lerp_(x, 0.5)
    ema.addcmul_(x, x, value=0.5)
    (ema * 3).sum().backward()
    return [x.grad, ema]


def _masked_fill_and_scatter(lib):
    x = _t(lib, [[1.0, 2.0], [3.0, 4.0]], True)
    y = x * 1
    y.masked_fill_(lib.tensor([[True, False], [False, True]]), 0.0)
    src = _t(lib, [[5.0, 6.0]], True)
    y.scatter_(0, lib.tensor([[1, 0]]), src)
    (y * y).sum().backward()
    return [x.grad, src.grad, y]


def _second_order_through_inplace(lib):
    x = _t(lib, [1.0, -2.0, 3.0], True)
    y = x * 1
    y.mul_(x)
    y.mul_(x)
    (g,) = (lib.autograd.grad(y.sum(), x, create_graph=True))
    g.sum().backward()
    return [g, x.grad]


def _grad_accumulates_in_place(lib):
    a = _t(lib, [1.0, 2.0], True)
    (a * 2).sum().backward()
    g = a.grad
    (a * 3).sum().backward()
    return [g, a.grad, np.array(float(g is a.grad))]


def _broadcast_cannot_grow_the_target(lib):
    y = _t(lib, [1.0, 2.0], True) * 1
    y.add_(_t(lib, [[1.0, 2.0], [3.0, 4.0]]))


def _write_into_an_expanded_view(lib):
    y = _t(lib, [1.0, 2.0], True) * 1
    y.expand(3, 2).mul_(2)


CASES = [_mul_own_input, _chain_of_writes, _row_of_matrix, _view_taken_before_the_write,
         _view_backward_directly, _augmented_index_assignment, _scalar_element_of_a_vector,
         _leaf, _view_of_leaf, _scalar_mul_saves_nothing, _mask_mul_saves_only_the_mask,
         _saved_output_overwritten, _saved_input_overwritten,
         _matmul_saves_only_what_its_backward_needs, _matmul_input_overwritten, _copy_into_a_buffer,
         _transposed_view, _view_of_a_reshape, _retain_grad_follows_the_newest_value,
         _hook_sees_the_old_value_gradient, _zero_and_fill, _fill_with_a_tensor, _clamp,
         _divide_by_own_input, _functional_inplace_activations, _pointwise_inplace_methods,
         _ema_lerp, _masked_fill_and_scatter, _second_order_through_inplace,
         _grad_accumulates_in_place, _broadcast_cannot_grow_the_target,
         _write_into_an_expanded_view]


def _run(case, lib):
    try:
        out = case(lib)
    except Exception as exc:  # noqa: BLE001 - the exception type is what is compared
        return type(exc)
    return [np.asarray(v.detach() if hasattr(v, "detach") else v, np.float64) for v in out]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__.strip("_"))
def test_same_as_pytorch(case):
    ours, theirs = _run(case, ae), _run(case, torch)
    if isinstance(theirs, type) or isinstance(ours, type):
        assert ours is theirs or (isinstance(ours, type) and isinstance(theirs, type)
                                  and issubclass(ours, theirs)), (ours, theirs)
        return
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
