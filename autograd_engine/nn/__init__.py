"""``autograd_engine.nn``: modules, layers, losses, ``functional``, ``init`` and ``utils``."""
from . import functional  # noqa: F401
from . import init, utils  # noqa: F401
from .containers import (ModuleDict, ModuleList, ParameterDict,  # noqa: F401
                         ParameterList, Sequential)
from .attention import MultiheadAttention  # noqa: F401
from .activation import (CELU, GLU, SELU, Hardshrink, Hardsigmoid, Hardswish,  # noqa: F401
                         Hardtanh, LogSigmoid, Mish, PReLU, ReLU6, Softmin, Softshrink,
                         Softsign, Tanhshrink, Threshold)
from .conv import (Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d,  # noqa: F401
                   ConvTranspose3d, Fold, Unfold, Upsample, UpsamplingBilinear2d,
                   UpsamplingNearest2d)
from .pooling import (AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveAvgPool3d,  # noqa: F401
                      AdaptiveMaxPool1d, AdaptiveMaxPool2d, AdaptiveMaxPool3d, AvgPool1d,
                      AvgPool2d, AvgPool3d, LPPool1d, LPPool2d, LPPool3d, MaxPool1d,
                      MaxPool2d, MaxPool3d, MaxUnpool1d, MaxUnpool2d, MaxUnpool3d)
from .distance import CosineSimilarity, PairwiseDistance  # noqa: F401
from .layers import (ELU, GELU, AlphaDropout, Dropout, Dropout1d, Dropout2d,  # noqa: F401
                     Dropout3d, Embedding, Flatten, Identity, LeakyReLU, Linear, LogSoftmax,
                     PixelShuffle, PixelUnshuffle, ReLU, Sigmoid, SiLU, Softmax, Softplus,
                     Tanh, Unflatten)
from .loss import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss,  # noqa: F401
                   KLDivLoss, L1Loss, MSELoss, NLLLoss, SmoothL1Loss)
from .loss_extra import (CosineEmbeddingLoss, CTCLoss, GaussianNLLLoss,  # noqa: F401
                         HingeEmbeddingLoss, MarginRankingLoss, MultiLabelMarginLoss,
                         MultiLabelSoftMarginLoss, MultiMarginLoss, NLLLoss2d,
                         PoissonNLLLoss, SoftMarginLoss, TripletMarginLoss,
                         TripletMarginWithDistanceLoss)
from .module import Module, Parameter  # noqa: F401
from .buffer import Buffer  # noqa: F401
from .misc import ChannelShuffle, FeatureAlphaDropout, RReLU, Softmax2d  # noqa: F401
from .padding import (CircularPad1d, CircularPad2d, CircularPad3d,  # noqa: F401
                      ConstantPad1d, ConstantPad2d, ConstantPad3d, ReflectionPad1d,
                      ReflectionPad2d, ReflectionPad3d, ReplicationPad1d, ReplicationPad2d,
                      ReplicationPad3d, ZeroPad1d, ZeroPad2d, ZeroPad3d)
from .norm import BatchNorm1d, BatchNorm2d, GroupNorm, LayerNorm  # noqa: F401
from .bilinear import Bilinear  # noqa: F401
from .embedding_bag import EmbeddingBag  # noqa: F401
from .norm_extra import (BatchNorm3d, InstanceNorm1d, InstanceNorm2d,  # noqa: F401
                         InstanceNorm3d, LocalResponseNorm, RMSNorm)
from .transformer import (Transformer, TransformerDecoder,  # noqa: F401
                          TransformerDecoderLayer, TransformerEncoder,
                          TransformerEncoderLayer)
from .rnn import (GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell,  # noqa: F401
                  RNNCellBase)
from . import lazy, parameter  # noqa: F401
from .parameter import UninitializedBuffer, UninitializedParameter  # noqa: F401
from .lazy import (LazyBatchNorm1d, LazyBatchNorm2d, LazyBatchNorm3d,  # noqa: F401
                   LazyConv1d, LazyConv2d, LazyConv3d, LazyConvTranspose1d,
                   LazyConvTranspose2d, LazyConvTranspose3d, LazyInstanceNorm1d,
                   LazyInstanceNorm2d, LazyInstanceNorm3d, LazyLinear)
