"""Optimizers and learning-rate schedulers (``torch.optim``'s API and update rules).

Every update runs as one fused Numba kernel per parameter (``autograd_engine.kernels.optim``).

Regularisation: L2 is the ``weight_decay`` argument (decoupled in ``AdamW``); L1 is a term
added to the loss, whose gradient is ``l1 * sign(w)``::

    loss = loss + l1 * sum(p.abs().sum() for p in model.parameters())
"""
from . import lr_scheduler
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "lr_scheduler"]
