"""The gradient lab: three failure modes as reproducible experiments, each broken then fixed.

    python -m autograd_engine.demo lab [--out lab_out] [--seed 0] [--steps 200]
    autograd-engine lab ...

(a) vanishing: a deep sigmoid network with naive N(0, 0.01^2) initialisation on the digits,
    fixed by ReLU + He init, and by batch norm (same sigmoids, same naive init);
(b) exploding: a deep ReLU network with N(0, 1) initialisation on a synthetic regression
    task (non-finite loss), fixed by gradient clipping (which hides the symptom) and then
    by Xavier init + clipping (which removes the cause);
(c) unstable: SGD with momentum and a learning rate too high on the digits, fixed by a decaying
    schedule and by Adam.

For each variant the monitor's verdicts are printed; each experiment writes one PNG with a
row per variant. Everything is seeded: two runs print the same numbers.
"""
from __future__ import annotations

import argparse
import os
import time
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence

import numpy as np

from .. import nn, optim
from ..creation import from_numpy
from ..grad_mode import no_grad
from ..random import manual_seed
from .audit import audit_init
from .monitor import GradientMonitor
from .plot import plot_monitors


@dataclass
class Data:
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    classify: bool


@dataclass
class Variant:
    label: str
    build: Callable[[], nn.Module]
    optimizer: Callable[[list], optim.Optimizer]
    schedule: Optional[Callable[[optim.Optimizer], object]] = None
    clip: Optional[float] = None
    audit: bool = False


@dataclass
class Experiment:
    name: str
    title: str
    data: Callable[[int], Data]
    variants: list = field(default_factory=list)


# -- data -----------------------------------------------------------------------------------
def digits(seed: int) -> Data:
    """scikit-learn's bundled 8x8 digits, a seeded 80/20 split, pixels standardised with the
    training set's statistics (zero mean, unit variance: inputs of one sign kill ReLUs)."""
    from ..demo import load_digits

    x_train, y_train, x_test, y_test = load_digits(seed)
    mean, std = x_train.mean(axis=0), x_train.std(axis=0) + 0.1
    return Data((x_train - mean) / std, y_train, (x_test - mean) / std, y_test, classify=True)


def synthetic_regression(seed: int, n: int = 1024, dim: int = 16) -> Data:
    """y = sin(x . a) + 0.5 * tanh(x . b) from Gaussian inputs, 80/20 split."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, dim)).astype(np.float32)
    a, b = rng.standard_normal((2, dim)) / np.sqrt(dim)
    y = (np.sin(x @ a) + 0.5 * np.tanh(x @ b)).astype(np.float32)[:, None]
    cut = int(0.8 * n)
    return Data(x[:cut], y[:cut], x[cut:], y[cut:], classify=False)


# -- models ---------------------------------------------------------------------------------
def mlp(sizes: Sequence[int], activation: Callable[[], nn.Module],
        init: Optional[Callable[[nn.Linear], None]] = None, batch_norm: bool = False
        ) -> nn.Sequential:
    """Linear (+ BatchNorm1d) + activation per hidden layer, a Linear output layer."""
    layers: list = []
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        linear = nn.Linear(fan_in, fan_out)
        if init is not None:
            init(linear)
        layers.append(linear)
        if i < len(sizes) - 2:
            layers += [nn.BatchNorm1d(fan_out)] if batch_norm else []
            layers.append(activation())
    return nn.Sequential(*layers)


def normal_init(std: float) -> Callable[[nn.Linear], None]:
    def init(linear: nn.Linear) -> None:
        nn.init.normal_(linear.weight, 0.0, std)
        nn.init.zeros_(linear.bias)
    return init


def he_init(linear: nn.Linear) -> None:
    nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
    nn.init.zeros_(linear.bias)


def xavier_init(linear: nn.Linear) -> None:
    nn.init.xavier_normal_(linear.weight)
    nn.init.zeros_(linear.bias)


DEEP_DIGITS = [64] + [64] * 8 + [10]
DEEP_SYNTHETIC = [16] + [64] * 10 + [1]
DIGITS_MLP = [64, 128, 128, 10]


def experiments() -> list:
    sgd = lambda lr, momentum=0.0: (  # noqa: E731
        lambda params: optim.SGD(params, lr=lr, momentum=momentum))
    return [
        Experiment("vanishing", "(a) vanishing gradients: deep sigmoid network, naive init",
                   digits, [
                       Variant("broken: 8 x sigmoid, N(0, 0.01) init",
                               lambda: mlp(DEEP_DIGITS, nn.Sigmoid, normal_init(0.01)),
                               sgd(0.05, 0.9), audit=True),
                       Variant("fix 1: ReLU + He init",
                               lambda: mlp(DEEP_DIGITS, nn.ReLU, he_init),
                               sgd(0.05, 0.9), audit=True),
                       Variant("fix 2: batch norm (same sigmoids and init)",
                               lambda: mlp(DEEP_DIGITS, nn.Sigmoid, normal_init(0.01),
                                           batch_norm=True),
                               sgd(0.05, 0.9)),
                   ]),
        Experiment("exploding", "(b) exploding gradients: deep ReLU network, N(0, 1) init",
                   synthetic_regression, [
                       Variant("broken: 10 x ReLU, N(0, 1) init",
                               lambda: mlp(DEEP_SYNTHETIC, nn.ReLU, normal_init(1.0)),
                               sgd(0.01, 0.9), audit=True),
                       Variant("fix 1: gradient clipping (max norm 1)",
                               lambda: mlp(DEEP_SYNTHETIC, nn.ReLU, normal_init(1.0)),
                               sgd(0.01, 0.9), clip=1.0),
                       Variant("fix 2: Xavier init + clipping",
                               lambda: mlp(DEEP_SYNTHETIC, nn.ReLU, xavier_init),
                               sgd(0.01, 0.9), clip=1.0, audit=True),
                   ]),
        Experiment("unstable", "(c) unstable training: SGD learning rate too high",
                   digits, [
                       Variant("broken: SGD lr=0.5, momentum 0.9",
                               lambda: mlp(DIGITS_MLP, nn.ReLU), sgd(0.5, 0.9)),
                       Variant("fix 1: same, with ExponentialLR (gamma 0.97 per step)",
                               lambda: mlp(DIGITS_MLP, nn.ReLU), sgd(0.5, 0.9),
                               schedule=lambda opt: optim.lr_scheduler.ExponentialLR(opt, 0.97)),
                       Variant("fix 2: Adam lr=1e-3",
                               lambda: mlp(DIGITS_MLP, nn.ReLU),
                               lambda params: optim.Adam(params, lr=1e-3)),
                   ]),
    ]


# -- running --------------------------------------------------------------------------------
def train(variant: Variant, data: Data, steps: int, seed: int, batch_size: int = 64
          ) -> tuple[GradientMonitor, nn.Module]:
    """Seeded minibatch training under a GradientMonitor; stops early on a non-finite loss."""
    manual_seed(seed)
    model = variant.build()
    if variant.audit:
        audit_init(model, from_numpy(data.x_train[:256]))
    optimizer = variant.optimizer(list(model.parameters()))
    scheduler = variant.schedule(optimizer) if variant.schedule else None
    loss_fn = nn.CrossEntropyLoss() if data.classify else nn.MSELoss()
    order = np.random.default_rng(seed)
    batches = _batches(len(data.x_train), batch_size, steps, order)
    # overflow is the point of the broken runs: the monitor reports it, numpy need not warn
    with GradientMonitor(model, optimizer) as monitor, np.errstate(over="ignore",
                                                                    invalid="ignore"):
        for index in batches:
            xb, yb = from_numpy(data.x_train[index]), from_numpy(data.y_train[index])
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            if variant.clip is not None:
                nn.utils.clip_grad_norm_(model.parameters(), variant.clip)
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
            monitor.record_loss(loss)
            if not np.isfinite(monitor.losses[-1]):
                break
    return monitor, model


def _batches(n: int, batch_size: int, steps: int, rng: np.random.Generator) -> list:
    out: list = []
    while len(out) < steps:
        perm = rng.permutation(n)
        out += [perm[i:i + batch_size] for i in range(0, n - batch_size + 1, batch_size)]
    return out[:steps]


def evaluate(model: nn.Module, data: Data) -> str:
    model.eval()
    with no_grad(), np.errstate(over="ignore", invalid="ignore"):
        out = model(from_numpy(data.x_test)).data
    model.train()
    if data.classify:
        return f"test accuracy {float((out.argmax(axis=1) == data.y_test).mean()):.3f}"
    return (f"test MSE {float(np.mean((out - data.y_test) ** 2)):.4g} (predicting the mean: "
            f"{float(np.var(data.y_test)):.4g})")


def run(out: str, seed: int = 0, steps: int = 200, only: Optional[Sequence[str]] = None
        ) -> dict:
    """Run the experiments (all, or those named in ``only``); returns name -> {label: monitor}."""
    results = {}
    for experiment in experiments():
        if only and experiment.name not in only:
            continue
        print(f"\n{'=' * 100}\n{experiment.title}\n{'=' * 100}")
        data = experiment.data(seed)
        monitors = {}
        for variant in experiment.variants:
            print(f"\n--- {variant.label}")
            monitor, model = train(variant, data, steps, seed)
            print(f"{len(monitor.losses)} steps, {evaluate(model, data)}")
            print(monitor)
            monitors[variant.label] = monitor
        path = os.path.join(out, f"{experiment.name}.png")
        try:
            plot_monitors(monitors, path, experiment.title)
            print(f"\nwrote {path}")
        except ImportError as exc:
            print(f"\nno plot: {exc}")
        results[experiment.name] = monitors
    return results


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="autograd-engine lab",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="lab_out", help="folder for the PNGs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, default=200, help="training steps per variant")
    parser.add_argument("--only", nargs="*", choices=[e.name for e in experiments()],
                        help="run only these experiments")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    run(args.out, args.seed, args.steps, args.only)
    print(f"\nlab done in {time.perf_counter() - start:.1f} s")
    return 0
