"""The curated workloads of ``python -m bench``: each maps implementation names to
zero-argument callables built on the same inputs. "naive" is the pure-Python loop version,
"numpy" the straightforward numpy version, "torch" PyTorch when it is installed (None
otherwise), and "autograd_engine" / "kernel" are ours."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

import autograd_engine as ae
from autograd_engine.kernels import losses
from autograd_engine.kernels import matmul as kmatmul
from autograd_engine.kernels import reference, scatter

from . import bench_conv, bench_kernels

try:
    import torch
except ImportError:  # the torch column then says "not installed"
    torch = None


@dataclass
class Workload:
    name: str
    build: Callable[[], dict]
    quick: bool = True  # part of ``--quick``
    unit_ops: int = 1  # divide times by this to report a per-op figure (overhead chains)


def _rng() -> np.random.Generator:
    return np.random.default_rng(0)


def _torch(fn: Callable[[], Callable]) -> Optional[Callable]:
    return None if torch is None else fn()


# -- matmul ---------------------------------------------------------------------------------
def matmul(n: int) -> Workload:
    def build() -> dict:
        a = _rng().standard_normal((n, n)).astype(np.float32)
        b = _rng().standard_normal((n, n)).astype(np.float32)
        ta, tb = ae.from_numpy(a), ae.from_numpy(b)
        impls = {}
        if n <= 64:
            small_a, small_b = a.tolist(), b.tolist()
            impls["naive"] = lambda: reference.matmul_naive(small_a, small_b)
        impls["numpy"] = lambda: a @ b
        impls["kernel (Numba GEMM)"] = lambda: kmatmul.gemm(a, b, backend="numba")
        impls["autograd_engine"] = lambda: ta @ tb
        impls["torch"] = _torch(lambda: (lambda x, y: lambda: x @ y)(torch.from_numpy(a),
                                                                   torch.from_numpy(b)))
        return impls
    return Workload(f"matmul {n}x{n} float32", build, quick=n in (64, 256, 1024))


# -- activations, softmax, cross-entropy ------------------------------------------------------
_TORCH_ACT = {"relu": "relu", "leaky_relu": "leaky_relu", "sigmoid": "sigmoid",
              "tanh": "tanh", "gelu": "gelu", "silu": "silu", "softplus": "softplus",
              "elu": "elu"}


def activation(name: str, size: int = 1 << 20) -> Workload:
    def build() -> dict:
        x = _rng().standard_normal(size).astype(np.float32)
        g = _rng().standard_normal(size).astype(np.float32)
        fn = getattr(ae.nn.functional, name)
        xt = ae.tensor(x, requires_grad=True)
        gt = ae.from_numpy(g)

        def ours():
            xt.grad = None
            fn(xt).backward(gt)

        def naive_pair():
            small = x[: size // 64]  # loops are slow: time 1/64 of the data, scale up
            y = getattr(reference, f"{name}_fwd")(small)
            saved = y[1] if name == "relu" else y if name in ("sigmoid", "tanh") else small
            getattr(reference, f"{name}_bwd")(saved, g[: size // 64])

        def torch_pair():
            xt_ = torch.tensor(x, requires_grad=True)
            gt_ = torch.from_numpy(g)
            tfn = getattr(torch.nn.functional, _TORCH_ACT[name])

            def run():
                xt_.grad = None
                tfn(xt_).backward(gt_)
            return run

        naive_pair.factor = 64
        return {"naive": naive_pair, "numpy": lambda: bench_kernels.NUMPY_PAIRS[
            name](x, g), "kernel": lambda: bench_kernels.kernel_pair(name)(x, g),
            "autograd_engine": ours, "torch": _torch(torch_pair)}
    return Workload(f"{name} fwd+bwd float32[{size}]", build, quick=name in ("relu", "gelu"))


def cross_entropy(n: int, c: int) -> Workload:
    def build() -> dict:
        rng = _rng()
        logits = (rng.standard_normal((n, c)) * 3).astype(np.float32)
        target = rng.integers(0, c, n)
        ones = np.ones(n, np.float32)
        lt, tt = ae.tensor(logits, requires_grad=True), ae.from_numpy(target)

        def ours():
            lt.grad = None
            ae.nn.functional.cross_entropy(lt, tt).backward()

        def kernel():
            loss, prob = losses.cross_entropy_fwd(logits, target)
            losses.cross_entropy_bwd(prob, target, ones)

        def torch_pair():
            lt_ = torch.tensor(logits, requires_grad=True)
            tt_ = torch.from_numpy(target)

            def run():
                lt_.grad = None
                torch.nn.functional.cross_entropy(lt_, tt_).backward()
            return run

        return {"numpy": lambda: bench_kernels.numpy_cross_entropy_pair(logits, target, ones),
                "kernel": kernel, "autograd_engine": ours, "torch": _torch(torch_pair)}
    return Workload(f"softmax-cross-entropy fwd+bwd ({n}, {c})", build, quick=c == 1000)


# -- optimizers -----------------------------------------------------------------------------
_MLP_SHAPES = [(1024, 784), (1024,), (1024, 1024), (1024,), (10, 1024), (10,)]


def optimizer_step(kind: str) -> Workload:
    def build() -> dict:
        rng = _rng()
        arrays = [rng.standard_normal(s).astype(np.float32) for s in _MLP_SHAPES]
        grads = [rng.standard_normal(s).astype(np.float32) * 0.01 for s in _MLP_SHAPES]
        params = [ae.tensor(a, requires_grad=True) for a in arrays]
        for p, g in zip(params, grads):
            p.grad = ae.from_numpy(g)
        opt = (ae.optim.SGD(params, lr=1e-3, momentum=0.9) if kind == "sgd"
               else ae.optim.Adam(params, lr=1e-3))
        states = [[np.zeros_like(a) for _ in range(2)] for a in arrays]

        def numpy_step():
            for p, g, (m, v) in zip(arrays, grads, states):
                if kind == "sgd":
                    m *= 0.9
                    m += g
                    p -= 1e-3 * m
                else:
                    m *= 0.9
                    m += 0.1 * g
                    v *= 0.999
                    v += 0.001 * g * g
                    denom = np.sqrt(v)
                    denom /= 0.5
                    denom += 1e-8
                    p -= 1e-3 * m / denom

        def torch_step():
            tparams = [torch.tensor(a, requires_grad=True) for a in arrays]
            for p, g in zip(tparams, grads):
                p.grad = torch.from_numpy(g)
            topt = (torch.optim.SGD(tparams, lr=1e-3, momentum=0.9) if kind == "sgd"
                    else torch.optim.Adam(tparams, lr=1e-3))
            return topt.step

        return {"numpy": numpy_step, "autograd_engine": opt.step, "torch": _torch(torch_step)}
    label = "SGD(momentum=0.9)" if kind == "sgd" else "Adam"
    return Workload(f"{label} step, 1.86M params", build)


# -- conv -------------------------------------------------------------------------------------
def conv2d() -> Workload:
    def build() -> dict:
        return {"numpy": bench_conv.numpy_conv, "autograd_engine": bench_conv.ae_conv(),
                "torch": bench_conv.torch_conv()}
    return Workload(bench_conv.CONV_NAME, build)


def depthwise_conv2d() -> Workload:
    return Workload(bench_conv.DEPTHWISE_NAME, bench_conv.depthwise_convs, quick=False)


def strided_conv2d() -> Workload:
    return Workload(bench_conv.STRIDED_NAME, bench_conv.strided_convs, quick=False)


def max_pool() -> Workload:
    shape = (64, 32, 32, 32)

    def build() -> dict:
        rng = _rng()
        x = rng.standard_normal(shape).astype(np.float32)
        g = rng.standard_normal(shape[:2] + (16, 16)).astype(np.float32)
        xt, gt = ae.tensor(x, requires_grad=True), ae.from_numpy(g)

        def numpy_pair():
            """Values and first argmax of each 2x2 window, then the gradient scattered back."""
            windows = x.reshape(64, 32, 16, 2, 16, 2).transpose(0, 1, 2, 4, 3, 5).reshape(
                64, 32, 16, 16, 4)
            index = windows.argmax(-1)[..., None]
            np.take_along_axis(windows, index, -1)
            grad = np.zeros_like(windows)
            np.put_along_axis(grad, index, g[..., None], -1)
            return grad.reshape(64, 32, 16, 16, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(shape)

        def ours():
            xt.grad = None
            ae.nn.functional.max_pool2d(xt, 2).backward(gt)

        def torch_pair():
            xt_, gt_ = torch.tensor(x, requires_grad=True), torch.from_numpy(g)

            def run():
                xt_.grad = None
                torch.nn.functional.max_pool2d(xt_, 2).backward(gt_)
            return run

        return {"numpy": numpy_pair, "autograd_engine": ours, "torch": _torch(torch_pair)}
    return Workload(f"max_pool2d 2x2 fwd+bwd float32{list(shape)}", build)


def index_gather(shape: tuple, n: int = 1 << 20) -> Workload:
    """``x[idx]`` (one index array) or ``x[i, j]`` (one per dim), forward and backward: the
    backward scatter-adds the gradient, repeated positions accumulating."""
    def build() -> dict:
        rng = _rng()
        x = rng.standard_normal(shape).astype(np.float32)
        index = tuple(rng.integers(-d, d, n) for d in shape)  # negatives count from the end
        g = rng.standard_normal(n).astype(np.float32)
        xt, gt = ae.tensor(x, requires_grad=True), ae.from_numpy(g)
        it = tuple(ae.from_numpy(i) for i in index)
        flat = np.ravel_multi_index(index, shape, mode="wrap")
        size = x.size

        def numpy_pair():
            out = np.zeros(shape, np.float32)
            np.add.at(out, index, g)
            return x[index], out

        def ours():
            xt.grad = None
            xt[it].backward(gt)

        def naive_pair():
            reference.scatter_add_flat(size, flat[: n // 64], g[: n // 64])

        def torch_pair():
            xt_, gt_ = torch.tensor(x, requires_grad=True), torch.from_numpy(g)
            it_ = tuple(torch.from_numpy(i) for i in index)

            def run():
                xt_.grad = None
                xt_[it_].backward(gt_)
            return run

        naive_pair.factor = 64
        return {"naive": naive_pair, "numpy": numpy_pair,
                "kernel": lambda: (x[index], scatter.scatter_add_flat(size, flat, g)),
                "autograd_engine": ours, "torch": _torch(torch_pair)}
    name = "x[idx]" if len(shape) == 1 else "x[i, j]"
    return Workload(f"{name} fwd+bwd, {n} positions into float32{list(shape)}", build,
                    quick=len(shape) == 1)


# -- engine overhead --------------------------------------------------------------------------
def op_chain(length: int = 100) -> Workload:
    def build() -> dict:
        def chain(lib):
            x = lib.ones(8, requires_grad=True)

            def run():
                y = x
                for _ in range(length):
                    y = y * 1.0001
                y.sum().backward()
            return run
        return {"autograd_engine": chain(ae), "torch": _torch(lambda: chain(torch))}
    return Workload(f"per-op overhead: {length} elementwise ops on (8,), fwd+bwd, per op",
                    build, unit_ops=length)


def deep_chain(length: int = 100_000) -> Workload:
    def build() -> dict:
        def chain(lib):
            x = lib.ones(1, requires_grad=True)

            def run():
                y = x
                for _ in range(length):
                    y = y + 1.0
                y.sum().backward()
            return run
        return {"autograd_engine": chain(ae), "torch": _torch(lambda: chain(torch))}
    return Workload(f"{length:,}-op chain fwd+bwd", build)


# -- training steps ---------------------------------------------------------------------------
def mlp_step(sizes: tuple, batch: int) -> Workload:
    def build() -> dict:
        rng = _rng()
        x = rng.standard_normal((batch, sizes[0])).astype(np.float32)
        y = rng.integers(0, sizes[-1], batch)
        return {"numpy": _numpy_mlp_step(sizes, x, y), "autograd_engine": _lib_mlp_step(
            ae, sizes, x, y), "torch": _torch(lambda: _lib_mlp_step(torch, sizes, x, y))}
    name = "-".join(map(str, sizes))
    return Workload(f"MLP {name} training step, batch {batch}, float32 (SGD momentum)", build)


def cnn_step(batch: int = 64) -> Workload:
    """Two conv-ReLU-maxpool blocks and a linear head on 32x32 RGB images."""
    def build() -> dict:
        rng = _rng()
        x = rng.standard_normal((batch, 3, 32, 32)).astype(np.float32)
        y = rng.integers(0, 10, batch)
        return {"autograd_engine": _lib_cnn_step(ae, x, y),
                "torch": _torch(lambda: _lib_cnn_step(torch, x, y))}
    return Workload(f"CNN conv32-pool-conv64-pool-linear training step, batch {batch}, "
                    "32x32x3, float32 (SGD momentum)", build, quick=False)


def _lib_cnn_step(lib, x_np, y_np) -> Callable:
    lib.manual_seed(0)
    nn = lib.nn
    model = nn.Sequential(nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(64 * 8 * 8, 10))
    opt = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x, y = lib.from_numpy(x_np), lib.from_numpy(y_np)

    def step():
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
    return step


def recurrent_step(kind: str, length: int = 50, batch: int = 32, features: int = 64,
                   hidden: int = 128) -> Workload:
    """An LSTM or GRU over a sequence and a linear head on its last output, one SGD step."""
    def build() -> dict:
        rng = _rng()
        x = rng.standard_normal((batch, length, features)).astype(np.float32)
        y = rng.integers(0, 10, batch)
        return {"autograd_engine": _lib_recurrent_step(ae, kind, x, y, hidden),
                "torch": _torch(lambda: _lib_recurrent_step(torch, kind, x, y, hidden))}
    return Workload(f"{kind} {features}->{hidden} training step, {length} steps, batch {batch}, "
                    "float32 (SGD)", build, quick=False)


def _lib_recurrent_step(lib, kind, x_np, y_np, hidden) -> Callable:
    lib.manual_seed(0)
    rnn = getattr(lib.nn, kind)(x_np.shape[2], hidden, batch_first=True)
    head = lib.nn.Linear(hidden, 10)
    opt = lib.optim.SGD(list(rnn.parameters()) + list(head.parameters()), lr=0.01)
    x, y = lib.from_numpy(x_np), lib.from_numpy(y_np)

    def step():
        opt.zero_grad()
        out, _ = rnn(x)
        lib.nn.functional.cross_entropy(head(out[:, -1]), y).backward()
        opt.step()
    return step


def _lib_mlp_step(lib, sizes, x_np, y_np) -> Callable:
    lib.manual_seed(0)
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [lib.nn.Linear(a, b), lib.nn.ReLU()]
    model = lib.nn.Sequential(*layers[:-1])
    opt = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = lib.nn.CrossEntropyLoss()
    x, y = lib.from_numpy(x_np), lib.from_numpy(y_np)

    def step():
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()
    return step


def _numpy_mlp_step(sizes, x, y) -> Callable:
    """A hand-written forward, backward and momentum update (the numpy baseline)."""
    rng = _rng()
    ws = [(rng.standard_normal((b, a)) / np.sqrt(a)).astype(np.float32)
          for a, b in zip(sizes[:-1], sizes[1:])]
    bs = [np.zeros(b, np.float32) for b in sizes[1:]]
    bufs = [np.zeros_like(p) for p in ws + bs]
    rows = np.arange(len(y))

    def step():
        acts = [x]
        for i, (w, b) in enumerate(zip(ws, bs)):
            z = acts[-1] @ w.T + b
            acts.append(np.maximum(z, 0) if i < len(ws) - 1 else z)
        logits = acts[-1]
        e = np.exp(logits - logits.max(1, keepdims=True))
        g = e / e.sum(1, keepdims=True)
        g[rows, y] -= 1
        g /= len(y)
        grads_w, grads_b = [], []
        for i in range(len(ws) - 1, -1, -1):
            grads_w.append(g.T @ acts[i])
            grads_b.append(g.sum(0))
            if i:
                g = (g @ ws[i]) * (acts[i] > 0)
        for p, grad, buf in zip(ws + bs, grads_w[::-1] + grads_b[::-1], bufs):
            buf *= 0.9
            buf += grad
            p -= 0.01 * buf
    return step


def all_workloads() -> list:
    return ([matmul(n) for n in (64, 128, 256, 512, 1024, 2048)]
            + [activation(name) for name in ("relu", "leaky_relu", "sigmoid", "tanh", "gelu",
                                             "silu", "softplus", "elu")]
            + [cross_entropy(128, 10), cross_entropy(1024, 1000)]
            + [optimizer_step("sgd"), optimizer_step("adam"), conv2d(), depthwise_conv2d(),
               strided_conv2d(), max_pool()]
            + [index_gather((1000,)), index_gather((1000, 1000))]
            + [op_chain(), deep_chain()]
            + [mlp_step((784, 1024, 1024, 10), 128), mlp_step((64, 128, 10), 32), cnn_step(),
               recurrent_step("LSTM"), recurrent_step("GRU")])
