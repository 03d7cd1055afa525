"""The public autograd namespace: ``ae.autograd.grad``, ``Function``, ``gradcheck``, ..."""
from .check_op import OpReport, check_op
from .custom import Function
from .engine import grad
from .function import Node as FunctionCtx
from .grad_mode import detect_anomaly, enable_grad, no_grad, set_grad_enabled
from .gradcheck import GradcheckError, gradcheck, gradgradcheck

__all__ = ["Function", "check_op", "OpReport", "FunctionCtx", "grad", "gradcheck", "gradgradcheck", "GradcheckError",
           "detect_anomaly", "no_grad", "enable_grad", "set_grad_enabled"]
