"""``ae.special``: torch.special's names for the special functions (most are also top-level
ops under other names: ``expit`` is ``sigmoid``, ``gammaln`` is ``lgamma``, ``psi`` is
``digamma``, ``multigammaln`` is ``mvlgamma``)."""
from __future__ import annotations

from .ops.activation import log_softmax, sigmoid as expit, softmax
from .ops.pointwise import erf, erfc, erfinv, exp2, expm1, log1p, logit, round, xlogy
from .ops.reduce import logsumexp
from .ops.special_functions import (digamma, entr, i0, i1, lgamma as gammaln, log_ndtr,
                                    mvlgamma as multigammaln, ndtr, ndtri, polygamma, sinc)

psi = digamma

__all__ = ["digamma", "entr", "erf", "erfc", "erfinv", "exp2", "expit", "expm1", "gammaln",
           "i0", "i1", "log1p", "log_ndtr", "log_softmax", "logit", "logsumexp",
           "multigammaln", "ndtr", "ndtri", "polygamma", "psi", "round", "sinc", "softmax",
           "xlogy"]
