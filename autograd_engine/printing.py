"""``repr`` of a Tensor laid out as PyTorch prints it: one number format for the whole tensor
(integers as ``1.``, else 4 decimals, scientific when magnitudes span more than 1e3 or
leave [1e-4, 1e8)), right-aligned columns, lines wrapped at 80 characters, and tensors of
more than 1000 elements summarised to their first and last 3 entries per dim; these numbers
and the scientific mode are the options of ``set_printoptions``."""
from __future__ import annotations

import math
from contextlib import contextmanager
from typing import Any, Iterator, Optional

import numpy as np

PRECISION = 4
THRESHOLD = 1000
EDGE_ITEMS = 3
LINE_WIDTH = 80
SCI_MODE: Optional[bool] = None  # None: chosen per tensor; True/False forces it
_PROFILES = {"default": (4, 1000, 3, 80), "short": (2, 1000, 2, 80),
             "full": (4, math.inf, 3, 80)}


def set_printoptions(precision: Optional[int] = None, threshold: Optional[float] = None,
                     edgeitems: Optional[int] = None, linewidth: Optional[int] = None,
                     profile: Optional[str] = None, sci_mode: Optional[bool] = None) -> None:
    """PyTorch's print options: a ``profile`` ('default', 'short', 'full'; another name
    is ignored, as PyTorch) sets all four numbers, then the given ones override;
    ``sci_mode`` is always set (None: automatic)."""
    global PRECISION, THRESHOLD, EDGE_ITEMS, LINE_WIDTH, SCI_MODE
    if profile in _PROFILES:
        PRECISION, THRESHOLD, EDGE_ITEMS, LINE_WIDTH = _PROFILES[profile]
    PRECISION = PRECISION if precision is None else precision
    THRESHOLD = THRESHOLD if threshold is None else threshold
    EDGE_ITEMS = EDGE_ITEMS if edgeitems is None else edgeitems
    LINE_WIDTH = LINE_WIDTH if linewidth is None else linewidth
    SCI_MODE = sci_mode


def get_printoptions() -> dict:
    """The current options, as keywords of ``set_printoptions``."""
    return {"precision": PRECISION, "threshold": THRESHOLD, "edgeitems": EDGE_ITEMS,
            "linewidth": LINE_WIDTH, "sci_mode": SCI_MODE}


@contextmanager
def printoptions(**kwargs: Any) -> Iterator[None]:
    """``set_printoptions(**kwargs)`` for the block."""
    previous = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**previous)


class _Formatter:
    """One format for every number of a tensor (PyTorch's ``_Formatter``)."""

    def __init__(self, values: np.ndarray) -> None:
        self.floating = values.dtype.kind == "f"
        self.int_mode, self.sci_mode, self.max_width = True, False, 1
        flat = values.reshape(-1)
        if not self.floating:
            for value in flat.tolist():
                self.max_width = max(self.max_width, len(str(value)))
            return
        finite = flat[np.isfinite(flat) & (flat != 0)].astype(np.float64)
        if finite.size == 0:
            return
        magnitudes = np.abs(finite)
        low, high = magnitudes.min(), magnitudes.max()
        self.int_mode = bool(np.all(finite == np.ceil(finite)))
        spread = high / low > 1000.0 or high > 1.0e8
        self.sci_mode = spread if self.int_mode else spread or low < 1.0e-4
        if SCI_MODE is not None:
            self.sci_mode = bool(SCI_MODE)
        for value in finite.tolist():
            if self.sci_mode:
                text = f"{value:.{PRECISION}e}"
            elif self.int_mode:
                text = f"{value:.0f}."
            else:
                text = f"{value:.{PRECISION}f}"
            self.max_width = max(self.max_width, len(text))

    def format(self, value: Any) -> str:
        if not self.floating:
            text = str(value)
        elif self.sci_mode:
            text = f"{value:{self.max_width}.{PRECISION}e}"
        elif self.int_mode:
            text = f"{value:.0f}" + ("" if math.isinf(value) or math.isnan(value) else ".")
        else:
            text = f"{value:.{PRECISION}f}"
        return " " * (self.max_width - len(text)) + text


def tensor_repr(values: np.ndarray, suffixes: list) -> str:
    """``tensor(<numbers>, <suffixes>)``; a suffix that would pass the line width goes on a
    line of its own."""
    prefix = "tensor("
    text = prefix + tensor_str(values, len(prefix))
    last_line = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line + len(suffix) + 2 > LINE_WIDTH:
            text += ",\n" + " " * len(prefix) + suffix
            last_line = len(prefix) + len(suffix)
        else:
            text += ", " + suffix
            last_line += len(suffix) + 2
    return text + ")"


def tensor_str(values: np.ndarray, indent: int) -> str:
    """The bracketed numbers of a tensor, as PyTorch prints them after ``indent`` characters."""
    if values.size == 0:
        return "[]" if values.ndim else ""
    summarize = values.size > THRESHOLD
    formatter = _Formatter(_summarized(values) if summarize else values)
    return _nested(values, indent, summarize, formatter)


def _summarized(values: np.ndarray) -> np.ndarray:
    """The entries a summarised print shows (for the number format)."""
    if values.ndim == 0:
        return values
    if values.shape[0] > 2 * EDGE_ITEMS:
        rows = list(range(EDGE_ITEMS)) + list(range(values.shape[0] - EDGE_ITEMS,
                                                    values.shape[0]))
    else:
        rows = list(range(values.shape[0]))
    parts = [_summarized(values[i]).reshape(-1) for i in rows]
    return np.concatenate(parts) if parts else values.reshape(-1)


def _nested(values: np.ndarray, indent: int, summarize: bool, formatter: _Formatter) -> str:
    if values.ndim == 0:
        return formatter.format(values.item())
    if values.ndim == 1:
        return _vector(values, indent, summarize, formatter)
    rows = range(values.shape[0])
    if summarize and values.shape[0] > 2 * EDGE_ITEMS:
        head = [_nested(values[i], indent + 1, summarize, formatter)
                for i in range(EDGE_ITEMS)]
        tail = [_nested(values[i], indent + 1, summarize, formatter)
                for i in range(values.shape[0] - EDGE_ITEMS, values.shape[0])]
        parts = head + ["..."] + tail
    else:
        parts = [_nested(values[i], indent + 1, summarize, formatter) for i in rows]
    return "[" + ("," + "\n" * (values.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def _vector(values: np.ndarray, indent: int, summarize: bool, formatter: _Formatter) -> str:
    per_line = max(1, (LINE_WIDTH - indent) // (formatter.max_width + 2))
    if summarize and values.shape[0] > 2 * EDGE_ITEMS:
        items = ([formatter.format(v) for v in values[:EDGE_ITEMS].tolist()] + [" ..."]
                 + [formatter.format(v) for v in values[-EDGE_ITEMS:].tolist()])
    else:
        items = [formatter.format(v) for v in values.tolist()]
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
