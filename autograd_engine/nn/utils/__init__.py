"""``ae.nn.utils``: gradient clipping and, in ``rnn``, packed variable-length sequences."""
from . import rnn  # noqa: F401
from .clip_grad import before_grad_change, clip_grad_norm_, clip_grad_value_  # noqa: F401

__all__ = ["clip_grad_norm_", "clip_grad_value_", "rnn"]
