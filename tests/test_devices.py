"""Devices: PyTorch code that names devices runs on the CPU unchanged; any other device is a
clear error, never a silent copy."""
import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine import nn


def test_device_picking_code_runs_on_the_cpu():
    dev = ae.device("cuda" if ae.cuda.is_available() else "cpu")
    assert repr(dev) == "device(type='cpu')" and str(dev) == "cpu" and dev == "cpu"
    assert ae.cuda.device_count() == 0
    x = ae.zeros(2, 3, device=dev)
    assert x.device == dev and not x.is_cuda and x.cpu() is x and x.to(dev) is x
    assert ae.arange(3, device=x.device).tolist() == [0, 1, 2]
    assert ae.tensor([1.0], device="cpu").dtype == np.float32
    assert ae.randn(2, device="cpu:0", pin_memory=True).shape == (2,)
    model = nn.Linear(3, 2).to(dev)
    model.to(x.device, ae.float64)
    assert model.weight.dtype == np.float64 and model.cpu() is model


def test_tensor_to_forms_as_pytorch():
    x = ae.zeros(2)
    assert x.to("cpu", ae.float64).dtype == np.float64
    assert x.to(dtype=ae.float64, device="cpu").dtype == np.float64
    assert x.to(ae.ones(1, dtype=ae.int64)).dtype == np.int64
    assert x.to(ae.float32) is x and x.to(ae.float32, copy=True) is not x
    assert x.half().dtype == np.float16 and x.type() == "autograd_engine.FloatTensor"
    assert x.type(ae.float64).dtype == np.float64 and x.long().type() == (
        "autograd_engine.LongTensor")


def test_other_devices_are_errors():
    x = ae.zeros(2)
    for move in (lambda: ae.ones(2, device="cuda"), lambda: x.to("cuda:0"), lambda: x.cuda(),
                 lambda: nn.Linear(2, 2).to("cuda"), lambda: nn.Linear(2, 2).cuda(),
                 lambda: x.to(ae.device("mps"))):
        with pytest.raises(RuntimeError, match="computes on the CPU only"):
            move()
    with pytest.raises(RuntimeError, match="Expected one of cpu, cuda"):
        ae.device("tpu")
