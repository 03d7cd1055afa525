"""Optimizers and learning-rate schedulers (``torch.optim``'s API and update rules).

SGD, Adam(W), RMSprop, Adagrad, NAdam, RAdam, Adamax, Adadelta, ASGD and Rprop update each
parameter in one fused Numba kernel (``autograd_engine.kernels.optim``); Adafactor takes its
norms and factored second moment with numpy and its step direction and update in two kernels;
LBFGS works on one flat vector of all parameters.

Regularisation: L2 is the ``weight_decay`` argument (decoupled in ``AdamW``); L1 is a term
added to the loss, whose gradient is ``l1 * sign(w)``::

    loss = loss + l1 * sum(p.abs().sum() for p in model.parameters())
"""
from . import lr_scheduler
from .adadelta import Adadelta
from .adafactor import Adafactor
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adam_variants import Adamax, NAdam, RAdam
from .asgd import ASGD
from .lbfgs import LBFGS
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .rprop import Rprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "NAdam", "RAdam",
           "Adamax", "Adadelta", "ASGD", "Rprop", "LBFGS", "Adafactor", "lr_scheduler"]
