"""``autograd_engine.nn``: modules, layers, losses, ``functional``, ``init`` and ``utils``."""
from . import functional  # noqa: F401
from . import init, utils  # noqa: F401
from .containers import (ModuleDict, ModuleList, ParameterDict,  # noqa: F401
                         ParameterList, Sequential)
from .attention import MultiheadAttention  # noqa: F401
from .activation import (CELU, GLU, SELU, Hardsigmoid, Hardswish, Hardtanh,  # noqa: F401
                         LogSigmoid, Mish, PReLU, ReLU6, Softmin, Softsign, Tanhshrink)
from .conv import (AdaptiveAvgPool2d, AvgPool2d, Conv2d, ConvTranspose2d, Fold,  # noqa: F401
                   MaxPool2d, Unfold, Upsample)
from .distance import CosineSimilarity, PairwiseDistance  # noqa: F401
from .layers import (ELU, GELU, Dropout, Dropout2d, Embedding, Flatten,  # noqa: F401
                     Identity, LeakyReLU, Linear, LogSoftmax, ReLU, Sigmoid, SiLU, Softmax,
                     Softplus, Tanh, Unflatten)
from .loss import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss,  # noqa: F401
                   KLDivLoss, L1Loss, MSELoss, NLLLoss, SmoothL1Loss)
from .module import Module, Parameter  # noqa: F401
from .norm import BatchNorm1d, BatchNorm2d, GroupNorm, LayerNorm  # noqa: F401
from .rnn import (GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell,  # noqa: F401
                  RNNCellBase)
