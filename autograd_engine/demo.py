"""The main job: train an MLP (or, with ``--model cnn``, a small convolutional network) on
scikit-learn's bundled 8x8 digits, save and reload it, and plot the loss curve and per-layer
gradient norms.

    python -m autograd_engine.demo [--model mlp|cnn] [--epochs 30] [--hidden 128 or 32]
                                   [--optimizer adam] [--lr 0.001] [--seed 0] [--out demo_out]
    python -m autograd_engine.demo lab [--out lab_out]    (the gradient lab)
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Optional, Sequence

import numpy as np

import autograd_engine as ae
from autograd_engine import nn
from autograd_engine.utils.data import DataLoader, TensorDataset

OPTIMIZERS = {
    "adam": lambda params, lr: ae.optim.Adam(params, lr=lr),
    "adamw": lambda params, lr: ae.optim.AdamW(params, lr=lr),
    "sgd": lambda params, lr: ae.optim.SGD(params, lr=lr, momentum=0.9, nesterov=True),
    "rmsprop": lambda params, lr: ae.optim.RMSprop(params, lr=lr),
    "adagrad": lambda params, lr: ae.optim.Adagrad(params, lr=lr),
}


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="autograd-engine demo", description=__doc__.split(
        "\n\n")[0])
    parser.add_argument("--model", choices=("mlp", "cnn"), default="mlp",
                        help="mlp: 64-hidden-hidden-10; cnn: two conv blocks (hidden / 2 and "
                             "hidden channels), global average pooling, a linear head")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--hidden", type=int, default=None,
                        help="width: 128 for the MLP, 32 for the CNN unless given")
    parser.add_argument("--optimizer", choices=sorted(OPTIMIZERS), default="adam")
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="demo_out", help="folder for the model and the plot")
    args = parser.parse_args(argv)
    if args.hidden is None:
        args.hidden = 128 if args.model == "mlp" else 32
    return args


def load_digits(seed: int) -> tuple:
    """(x_train, y_train, x_test, y_test): pixels scaled to [0, 1], a seeded 80/20 split."""
    try:
        from sklearn.datasets import load_digits as sk_load_digits
    except ImportError:
        sys.exit("the demo needs scikit-learn for its bundled digits data: "
                 "pip install -e '.[demo]'")
    data = sk_load_digits()
    x = (data.data / 16.0).astype(np.float32)
    y = data.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(x))
    cut = int(0.8 * len(x))
    train, test = order[:cut], order[cut:]
    return x[train], y[train], x[test], y[test]


def make_model(hidden: int, kind: str = "mlp") -> nn.Module:
    """The MLP, or a CNN on the 1x8x8 images: conv-BN-ReLU-maxpool, conv-BN-ReLU, global
    average pooling and a linear head (``hidden`` channels in the second block)."""
    if kind == "mlp":
        return nn.Sequential(nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, hidden),
                             nn.ReLU(), nn.Linear(hidden, 10))
    width = max(hidden // 2, 1)
    return nn.Sequential(nn.Unflatten(1, (1, 8, 8)),
                         nn.Conv2d(1, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU(),
                         nn.MaxPool2d(2),
                         nn.Conv2d(width, hidden, 3, padding=1), nn.BatchNorm2d(hidden),
                         nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                         nn.Linear(hidden, 10))


def accuracy(model: nn.Module, x: np.ndarray, y: np.ndarray) -> float:
    model.eval()
    with ae.no_grad():
        predicted = model(ae.from_numpy(x)).argmax(dim=1).numpy()
    model.train()
    return float((predicted == y).mean())


def _progress(iterable, **kwargs):
    try:
        from tqdm import tqdm
    except ImportError:
        return iterable
    return tqdm(iterable, **kwargs)


def train(args: argparse.Namespace) -> dict:
    """Train, returning the history (loss per step, gradient norm per layer per step)."""
    ae.manual_seed(args.seed)
    x_train, y_train, x_test, y_test = load_digits(args.seed)
    model = make_model(args.hidden, args.model)
    optimizer = OPTIMIZERS[args.optimizer](model.parameters(), args.lr)
    loss_fn = nn.CrossEntropyLoss()
    loader = DataLoader(TensorDataset(ae.from_numpy(x_train), ae.from_numpy(y_train)),
                        batch_size=args.batch_size, shuffle=True)
    layers = [(name, m) for name, m in model.named_modules()
              if isinstance(m, (nn.Linear, nn.Conv2d))]
    history = {"loss": [], "grad_norm": {name: [] for name, _ in layers}}
    bar = _progress(range(1, args.epochs + 1), desc="training", unit="epoch")
    for epoch in bar:
        total, correct, count = 0.0, 0, 0
        for xb, yb in loader:
            logits = model(xb)
            loss = loss_fn(logits, yb)
            optimizer.zero_grad()
            loss.backward()
            for name, layer in layers:
                history["grad_norm"][name].append(float(layer.weight.grad.norm()))
            optimizer.step()
            history["loss"].append(loss.item())
            total += loss.item() * len(yb)
            correct += int((logits.argmax(dim=1) == yb).sum())
            count += len(yb)
        stats = {"loss": f"{total / count:.4f}", "acc": f"{correct / count:.3f}"}
        if hasattr(bar, "set_postfix"):
            bar.set_postfix(stats)
        else:
            print(f"epoch {epoch}: loss {stats['loss']} acc {stats['acc']}")
    history["model"] = model
    history["test"] = (x_test, y_test)
    return history


def save_and_reload(model: nn.Module, hidden: int, out: str, kind: str = "mlp") -> nn.Module:
    path = os.path.join(out, f"digits_{kind}.npz")
    ae.save(model.state_dict(), path)
    restored = make_model(hidden, kind)
    restored.load_state_dict(ae.load(path))
    print(f"saved the model to {path} and loaded it back")
    return restored


def plot(history: dict, path: str) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: skipping the plot (pip install -e '.[demo]')")
        return
    fig, (ax_loss, ax_grad) = plt.subplots(1, 2, figsize=(11, 4))
    ax_loss.plot(history["loss"], lw=0.8)
    ax_loss.set(title="training loss", xlabel="step", ylabel="cross-entropy", yscale="log")
    for name, norms in history["grad_norm"].items():
        ax_grad.plot(norms, lw=0.8, label=f"layer {name}")
    ax_grad.set(title="gradient norm per layer", xlabel="step", ylabel="||dL/dW||",
                yscale="log")
    ax_grad.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    print(f"wrote {path}")


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["lab"]:  # python -m autograd_engine.demo lab: the gradient lab
        from .diagnostics.lab import main as lab_main

        return lab_main(argv[1:])
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    start = time.perf_counter()
    history = train(args)
    model = history["model"]
    x_test, y_test = history["test"]
    test_acc = accuracy(model, x_test, y_test)
    print(f"test accuracy: {test_acc:.3f}")
    restored = save_and_reload(model, args.hidden, args.out, args.model)
    reloaded_acc = accuracy(restored, x_test, y_test)
    print(f"reloaded model test accuracy: {reloaded_acc:.3f}")
    plot(history, os.path.join(args.out, "training.png"))
    print(f"done in {time.perf_counter() - start:.1f} s")
    return 0 if reloaded_acc == test_acc else 1


if __name__ == "__main__":
    sys.exit(main())
