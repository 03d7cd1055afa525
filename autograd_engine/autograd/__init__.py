"""The public autograd namespace: ``ae.autograd.grad``, ``Function``, ``gradcheck``, ...,
and ``ae.autograd.functional`` (``jacobian``, ``hessian``, ``vjp``, ``jvp``, ``hvp``,
``vhp``)."""
import sys

from .. import custom as function  # ae.autograd.function.once_differentiable
from ..check_op import OpReport, check_op
from ..custom import Function
from ..engine import backward_all as backward
from ..engine import grad
from ..function import Node as FunctionCtx
from ..grad_mode import (detect_anomaly, enable_grad, is_anomaly_enabled,
                         is_inplace_recording_enabled, no_grad, set_detect_anomaly,
                         set_grad_enabled, set_inplace_recording)
from ..gradcheck import GradcheckError, gradcheck, gradgradcheck
from . import functional

# `from autograd_engine.autograd.function import once_differentiable`, as in PyTorch
sys.modules[f"{__name__}.function"] = function

__all__ = ["Function", "function", "functional", "check_op", "OpReport", "FunctionCtx",
           "backward", "grad", "gradcheck", "gradgradcheck", "GradcheckError",
           "detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled", "no_grad",
           "enable_grad", "set_grad_enabled", "set_inplace_recording",
           "is_inplace_recording_enabled"]
