"""Naive pure-Python loop versions of every kernel: the test oracle and benchmark baseline.

Deliberately slow and obvious: explicit loops over elements, no vectorisation.
"""
from __future__ import annotations

import math

import numpy as np

# --- matmul ---------------------------------------------------------------------------

# --- activations ----------------------------------------------------------------------

# --- softmax and losses ---------------------------------------------------------------

# --- scatter --------------------------------------------------------------------------
