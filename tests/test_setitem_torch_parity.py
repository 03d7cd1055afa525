"""``t[idx] = v`` with gradients, run in PyTorch and in autograd_engine: same values, same
gradients, same flags, same exception types. The two documented differences (views and
expanded targets) are pinned at the end."""
import numpy as np
import pytest

import autograd_engine as ae

pytestmark = pytest.mark.usefixtures("inplace_recording")  # PyTorch's in-place rules

torch = pytest.importorskip("torch")


def _leaf(m, values, dtype=None):
    return m.tensor(values, dtype=dtype or m.float32, requires_grad=True)


def _weighted_backward(m, t):
    (t * m.arange(1.0, t.numel() + 1.0).reshape(t.shape)).sum().backward()


def _array(t):
    if t is None or isinstance(t, (bool, int, float)):
        return np.asarray(t)
    return t.detach().numpy() if isinstance(t, torch.Tensor) else t.detach().data


def _written(m, index, value, size=4):
    """Write leaf ``value`` at ``index`` of zeros(size); (t, its flags, value's grad)."""
    x = _leaf(m, value)
    t = m.zeros(size)
    t[index] = x
    flags = (t.requires_grad, t.is_leaf, t._version)
    _weighted_backward(m, t)
    return t, *flags, x.grad


SCENARIOS = {
    "slice": lambda m: _written(m, slice(1, None), [1.0, 2.0, 3.0]),
    "int": lambda m: _written(m, 1, 3.0),
    "mask": lambda m: _written(m, m.tensor([True, False, True, False]), [1.0, 2.0]),
    "mask 0-d value": lambda m: _written(m, m.tensor([True, False, True, True]), 2.0),
    "repeated list": lambda m: _written(m, [0, 2, 0], [1.0, 2.0, 3.0]),
    "repeated tensor": lambda m: _written(m, m.tensor([3, 1, 3]), [1.0, 2.0, 3.0]),
    "negative": lambda m: _written(m, m.tensor([-1, 0]), [1.0, 2.0]),
    "step": lambda m: _written(m, slice(None, None, 2), [1.0, 2.0]),
    "broadcast": lambda m: _written(m, slice(1, 3), [5.0]),
    "leading 1": lambda m: _written(m, slice(1, 3), [[1.0, 2.0]]),
    "empty": lambda m: _written(m, slice(4, None), []),
}


def _rows(m, index, value, shape=(3, 4)):
    y = _leaf(m, value)
    t = m.zeros(*shape)
    t[index] = y
    (t * m.arange(float(np.prod(shape))).reshape(shape)).sum().backward()
    return t, y.grad


SCENARIOS.update({
    "rows": lambda m: _rows(m, slice(1, None), [1.0, 2.0, 3.0, 4.0]),
    "repeated rows": lambda m: _rows(m, [0, 0, 2], [1.0, 2.0, 3.0, 4.0]),
    "pairs": lambda m: _rows(m, (m.tensor([1, 1, 0]), m.tensor([0, 0, 2])), [1.0, 2.0, 3.0]),
    "column": lambda m: _rows(m, (slice(None), 1), [1.0, 2.0, 3.0]),
    "2-d mask": lambda m: _rows(m, m.tensor([[True, False], [False, True]]), [1.0, 2.0],
                                shape=(2, 2)),
    "mask + slice": lambda m: _rows(m, (m.tensor([True, False, True]), slice(1, 3)),
                                    [[1.0, 2.0]]),
    "ellipsis None": lambda m: _rows(m, (Ellipsis, None, 0), [[1.0], [2.0], [3.0]]),
})


def _chain(m):
    a, b, c = _leaf(m, 1.0), _leaf(m, 2.0), _leaf(m, [3.0, 4.0])
    t = m.zeros(4)
    t[0] = a
    t[1] = b * 3
    t[1:3] = c  # overwrites b's position
    t[3] = 9.0
    _weighted_backward(m, t)
    return t, a.grad, b.grad, c.grad


def _non_leaf(m):
    a, b = _leaf(m, [1.0, 2.0, 3.0]), _leaf(m, 5.0)
    t = a * 2
    t[1] = b
    t[2] = 0.5
    _weighted_backward(m, t)
    return t, t.is_leaf, a.grad, b.grad


def _second_order(m):
    x = _leaf(m, [1.0, 2.0], m.float64)
    t = m.zeros(3, dtype=m.float64)
    t[1:] = x ** 2
    t[[0, 0]] = x.sum() * x
    (g,) = m.autograd.grad((t * t).sum(), x, create_graph=True)
    (h,) = m.autograd.grad((g * g).sum(), x)
    return g, h


def _hooks(m):
    y, a = _leaf(m, [1.0, 2.0]), _leaf(m, [1.0, 2.0, 3.0])
    t = a * 1
    t.retain_grad()
    seen = []
    t.register_hook(lambda g: seen.append(g.tolist()))
    t[1:] = y * 2
    (t * t).sum().backward()
    return t.grad, a.grad, y.grad, seen


def _dtypes(m):
    x = _leaf(m, [1.0, 2.0], m.float64)
    t = m.zeros(3)
    t[1:] = x * 2
    t.sum().backward()
    ints = m.zeros(3, dtype=m.int64)
    ints[1:] = x * 1.5
    return t, str(t.dtype)[-7:], x.grad, str(x.grad.dtype)[-7:], ints, ints.requires_grad


def _no_grad_and_detach(m):
    x = _leaf(m, [1.0, 2.0])
    t = m.zeros(3)
    with m.no_grad():
        t[1:] = x * 2
    flags = (t.requires_grad, t.is_leaf)
    base = m.zeros(3)
    d = base.detach()
    d[1:] = x * 3
    d.sum().backward()
    return t, *flags, base, base.requires_grad, d.requires_grad, x.grad


def _earlier_view(m):
    x = _leaf(m, [1.0, 2.0])
    t = m.zeros(3)
    view = t[:2]
    t[1:] = x * 2
    return view, view._version, t._version


SCENARIOS.update({"chain": _chain, "non-leaf": _non_leaf, "second order": _second_order,
                  "hooks": _hooks, "dtypes": _dtypes, "no_grad, detach": _no_grad_and_detach,
                  "earlier view values": _earlier_view})


@pytest.mark.parametrize("name", SCENARIOS)
def test_same_values_and_gradients(name):
    expected = SCENARIOS[name](torch)
    got = SCENARIOS[name](ae)
    assert len(got) == len(expected)
    for e, g in zip(expected, got):
        if isinstance(e, (list, str)):
            assert g == e
        else:
            np.testing.assert_array_equal(_array(g), _array(e))


def _leaf_target(m):
    _leaf(m, [1.0, 2.0])[0] = 3.0


def _stale(m):
    t = m.zeros(3)
    t[1:] = _leaf(m, [1.0, 2.0]) * 2
    z = t * t
    t[0] = 1.0
    z.sum().backward()


def _out_of_bounds(m):
    m.zeros(3)[5] = _leaf(m, 1.0)


def _bad_shape(m):
    m.zeros(3)[1:] = _leaf(m, [1.0, 2.0, 3.0])


@pytest.mark.parametrize("fn", [_leaf_target, _stale, _out_of_bounds, _bad_shape],
                         ids=lambda f: f.__name__)
def test_same_exception_types(fn):
    with pytest.raises(Exception) as expected:
        fn(torch)
    with pytest.raises(type(expected.value)):
        fn(ae)


def _view_write(m):
    leaf = _leaf(m, [1.0, 2.0])
    base = m.zeros(2, 3)
    row = base[0]
    row[1:] = leaf * 2
    (base * base).sum().backward()
    return base, leaf.grad


def test_a_write_through_a_view_rewrites_the_base_as_pytorch():
    ours, theirs = _view_write(ae), _view_write(torch)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy())


def _expanded_write(m):
    t = m.ones(1, 3).expand(2, 3)
    t[0] = 5.0
    return t


def test_documented_difference_writing_into_an_expanded_tensor():
    """PyTorch writes through expanded memory; autograd_engine refuses with a
    RuntimeError."""
    assert _expanded_write(torch).tolist()[0] == [5.0, 5.0, 5.0]
    with pytest.raises(RuntimeError, match="read-only.*expand"):
        _expanded_write(ae)
