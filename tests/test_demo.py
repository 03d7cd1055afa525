"""The main job trains the digits MLP (or CNN) to the promised accuracy and round-trips the
model."""
import re
import sys

import pytest

pytest.importorskip("sklearn")

from autograd_engine import demo  # noqa: E402


def test_demo_reaches_accuracy_and_reloads(tmp_path, capsys):
    assert demo.main(["--epochs", "30", "--seed", "0", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    accuracy = float(re.search(r"^test accuracy: (\d\.\d+)$", out, re.M).group(1))
    assert accuracy >= 0.97
    assert f"reloaded model test accuracy: {accuracy:.3f}" in out
    assert (tmp_path / "digits_mlp.npz").exists()


def test_demo_is_reproducible(tmp_path, capsys):
    demo.main(["--epochs", "2", "--out", str(tmp_path / "a")])
    first = capsys.readouterr().out.splitlines()[0]
    demo.main(["--epochs", "2", "--out", str(tmp_path / "b")])
    assert capsys.readouterr().out.splitlines()[0] == first


def test_demo_without_matplotlib_skips_the_plot(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert demo.main(["--epochs", "1", "--optimizer", "sgd", "--lr", "0.05",
                      "--out", str(tmp_path)]) == 0
    assert "matplotlib is not installed: skipping the plot" in capsys.readouterr().out
    assert not (tmp_path / "training.png").exists()


def test_demo_writes_the_plot(tmp_path):
    pytest.importorskip("matplotlib")
    demo.main(["--epochs", "1", "--out", str(tmp_path)])
    assert (tmp_path / "training.png").stat().st_size > 10_000


def test_demo_cnn_trains_and_reloads(tmp_path, capsys):
    assert demo.main(["--model", "cnn", "--epochs", "5", "--lr", "0.005", "--out",
                      str(tmp_path)]) == 0
    out = capsys.readouterr().out
    accuracy = float(re.search(r"^test accuracy: (\d\.\d+)$", out, re.M).group(1))
    assert accuracy >= 0.9
    assert f"reloaded model test accuracy: {accuracy:.3f}" in out
    assert (tmp_path / "digits_cnn.npz").exists()
