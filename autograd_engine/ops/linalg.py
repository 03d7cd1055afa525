"""Matrix multiplication with numpy semantics (1-D, 2-D, batched with broadcasting)."""
from __future__ import annotations

import math
from collections import namedtuple
from typing import Any

import numpy as np

from ..function import Function, register
from ..grad_mode import state
from ..kernels import matmul as _gemm
from ..tensor import Tensor

_SlogdetResult = namedtuple("slogdet", ["sign", "logabsdet"])
_GEMM_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def matmul_arrays(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``np.matmul`` semantics, computed by ``kernels.matmul.gemm`` for float32/float64.

    The kernel takes 2-D or equal-batch 3-D operands, so broadcast batch dims are expanded
    and folded first; 1-D operands get a dim added and removed. Routing every float matmul
    of the library through one place keeps BLAS and Numba thread pools from alternating.
    """
    if a.dtype != b.dtype or a.dtype not in _GEMM_DTYPES:
        return np.matmul(a, b)
    if a.ndim == 2 and b.ndim == 2:
        return _matmul_2d(a, b)
    a2 = a[None] if a.ndim == 1 else a
    b2 = b[:, None] if b.ndim == 1 else b
    batch = np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2])
    if b2.ndim == 2:  # (..., m, k) @ (k, n): fold batch into m, one GEMM of full height
        # A strided a (say a transposed sequence) is copied first: the copy is 1/n of the
        # product's work, and a batch of short GEMMs ran 2.2x slower (LSTM input projection)
        a2 = np.ascontiguousarray(a2)
        rows = math.prod(a2.shape[:-1])  # not -1: numpy cannot infer it when k is 0
        out = _gemm.gemm(a2.reshape(rows, a2.shape[-1]), b2).reshape(
            batch + (a2.shape[-2], b2.shape[-1]))
    else:
        count = (math.prod(batch),)  # not -1: numpy cannot infer it when a dim is 0
        a3 = np.broadcast_to(a2, batch + a2.shape[-2:]).reshape(count + a2.shape[-2:])
        b3 = np.broadcast_to(b2, batch + b2.shape[-2:]).reshape(count + b2.shape[-2:])
        out = _gemm.gemm(a3, b3).reshape(batch + (a2.shape[-2], b2.shape[-1]))
    if a.ndim == 1:
        out = out[..., 0, :]
    if b.ndim == 1:
        out = out[..., 0]
    return out


def _matmul_2d(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` for aligned 2-D float32/float64 arrays of one dtype. On BLAS, ``a.dot(b)``:
    the same ``sgemm``/``dgemm`` call as ``np.matmul`` (bit-identical results), without the
    generalized ufunc's ~0.25 us of dispatch (5 % of a 64x64 product), nor ``np.dot``'s as
    much of ``__array_function__`` dispatch."""
    m, k = a.shape
    if _gemm.all_on_blas or _gemm.blas_selected(m, b.shape[1], k):
        return a.dot(b)
    return _gemm.gemm(a, b)


def _check_matmul(a: np.ndarray, b: np.ndarray) -> None:
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(f"matmul: both arguments need to be at least 1D, but they are "
                           f"{a.ndim}D and {b.ndim}D")
    if a.dtype != b.dtype and (a.dtype.kind == "f" or b.dtype.kind == "f"):
        raise RuntimeError(f"matmul: expected both operands to have the same dtype, but got "
                           f"{a.dtype} and {b.dtype}")
    ka, kb = a.shape[-1], b.shape[-2] if b.ndim > 1 else b.shape[0]
    if ka != kb:
        dim_b = b.ndim - 2 if b.ndim > 1 else 0
        raise RuntimeError(f"matmul: shapes {a.shape} and {b.shape} are not aligned: "
                           f"{ka} (dim {a.ndim - 1}) != {kb} (dim {dim_b})")
    try:
        if a.ndim > 2 or b.ndim > 2:
            np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError:
        raise RuntimeError(f"matmul: batch dimensions of shapes {a.shape} and {b.shape} "
                           "cannot be broadcast together") from None


# PyTorch's node names for the products it does not decompose; its batched and 1-D @ 2-D
# products show one of their view nodes, ours "MatMulBackward0" (``bmm`` names its "Bmm")
_TORCH_PRODUCTS = {(2, 2): "Mm", (2, 1): "Mv", (1, 1): "Dot"}


@register
class MatMul(Function):
    """y = a @ b;  da = g @ b^T, db = a^T @ g  (1-D operands get a dim added and removed)"""

    @staticmethod
    def forward(ctx, a, b):
        _check_matmul(a, b)
        ctx.save_for_backward(a, b)
        ctx.meta = (a.ndim, b.ndim)
        ctx.name_base = _TORCH_PRODUCTS.get(ctx.meta)
        return matmul_arrays(a, b)

    @staticmethod
    def backward(ctx, g):
        a_ndim, b_ndim = ctx.meta
        da, db = ctx.needs_input_grad
        g2 = g
        if b_ndim == 1:
            g2 = g2.unsqueeze(-1)
        if a_ndim == 1:
            g2 = g2.unsqueeze(-2)
        ga = gb = None
        if da:  # needs b only (so only b's later in-place writes are errors, as PyTorch)
            b = ctx.saved_tensor(1)
            ga = g2 @ (b.unsqueeze(-1) if b_ndim == 1 else b).mT
            if a_ndim == 1:
                ga = ga.squeeze(-2)
        if db:
            a = ctx.saved_tensor(0)
            gb = (a.unsqueeze(0) if a_ndim == 1 else a).mT @ g2
            if b_ndim == 1:
                gb = gb.squeeze(-1)
        return ga, gb


def matmul(input: Any, other: Any) -> Tensor:
    """Matrix product with numpy's broadcasting rules (1-D, 2-D, batched)."""
    if isinstance(input, Tensor) and isinstance(other, Tensor):
        a, b = input.data, other.data
        # Nothing to record (inference, or the matmuls of a backward pass): a 2-D product
        # skips the op machinery, which costs as much as a 64x64 product itself. Each check
        # here costs 20-60 ns of that product's ~5.5 us, hence their order and shortcuts:
        # ``is`` on dtypes (equal dtypes that are not the same object take the op), and
        # misaligned shapes left to ndarray.dot's ValueError (the op then raises PyTorch's error).
        if (a.ndim == 2 == b.ndim and (dtype := a.dtype) is b.dtype and dtype in _GEMM_DTYPES
                and (not (input._requires_grad or other._requires_grad)
                     or not state.grad_enabled) and not state.anomaly):
            try:
                return Tensor(a.dot(b) if _gemm.all_on_blas else _matmul_2d(a, b))
            except ValueError:
                pass
    return MatMul.apply(input, other)


def bmm(a: Tensor, b: Tensor) -> Tensor:
    """Batched matmul of (B, n, m) and (B, m, p), no broadcasting."""
    for name, t in (("batch1", a), ("batch2", b)):
        if t.ndim != 3:
            raise RuntimeError(f"bmm: {name} must be a 3D tensor, got shape {tuple(t.shape)}")
    if b.shape[:2] != (a.shape[0], a.shape[2]):
        raise RuntimeError(f"bmm: Expected size for first two dimensions of batch2 tensor to be"
                           f": [{a.shape[0]}, {a.shape[2]}] but got: [{b.shape[0]}, "
                           f"{b.shape[1]}].")
    out = matmul(a, b)
    if out.grad_fn is not None:
        out.grad_fn.name_base = "Bmm"
    return out


def outer(a: Tensor, b: Tensor) -> Tensor:
    """Outer product of two vectors: (n,) and (m,) give (n, m)."""
    for name, t in (("self", a), ("vec2", b)):
        if t.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t.ndim}-D")
    return a.unsqueeze(1) * b.unsqueeze(0)


def _same_dtype(a: Tensor, b: Tensor, message: str) -> None:
    if a.dtype != b.dtype:
        raise RuntimeError(message.format(_TORCH_NAMES.get(a.dtype, a.dtype),
                                          _TORCH_NAMES.get(b.dtype, b.dtype)))


_TORCH_NAMES = {np.dtype(np.float32): "float", np.dtype(np.float64): "double",
                np.dtype(np.float16): "half", np.dtype(np.int64): "long",
                np.dtype(np.int32): "int", np.dtype(np.bool_): "bool"}


def mm(a: Tensor, b: Tensor) -> Tensor:
    """Matrix product of two 2-D tensors, no broadcasting."""
    if a.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if b.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x"
                           f"{a.shape[1]} and {b.shape[0]}x{b.shape[1]})")
    _same_dtype(a, b, "expected m1 and m2 to have the same dtype, but got: {} != {}")
    return matmul(a, b)


def mv(a: Tensor, v: Tensor) -> Tensor:
    """Matrix (n, m) times vector (m,)."""
    if a.ndim != 2 or v.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {a.ndim}, {v.ndim}")
    if a.shape[1] != v.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({a.shape[0]}), mat ({a.shape[0]}x"
                           f"{a.shape[1]}), vec ({v.shape[0]})")
    return matmul(a, v)


def dot(a: Tensor, b: Tensor) -> Tensor:
    """Inner product of two 1-D tensors of the same size and dtype."""
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src "
                           f"[{b.shape[0]}] to have the same number of elements, but got "
                           f"{a.shape[0]} and {b.shape[0]} elements respectively")
    if a.dtype != b.dtype:
        names = {"float": "Float", "double": "Double", "half": "Half", "long": "Long",
                 "int": "Int", "bool": "Bool"}
        raise RuntimeError("dot : expected both vectors to have same dtype, but found "
                           f"{names.get(_TORCH_NAMES.get(a.dtype), a.dtype)} and "
                           f"{names.get(_TORCH_NAMES.get(b.dtype), b.dtype)}")
    return matmul(a, b)


vdot = dot  # real tensors only: conj(a) = a


def _scaled(t: Tensor, s: Any) -> Any:
    return t if s == 1 else t * s


def addmm(input: Tensor, m1: Tensor, m2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """beta * input + alpha * (m1 @ m2); input broadcasts to the product's shape."""
    prod = _scaled(mm(m1, m2), alpha)
    return prod if beta == 0 else _scaled(input, beta) + prod


def addmv(input: Tensor, mat: Tensor, vec: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """beta * input + alpha * (mat @ vec)."""
    prod = _scaled(mv(mat, vec), alpha)
    return prod if beta == 0 else _scaled(input, beta) + prod


def baddbmm(input: Tensor, b1: Tensor, b2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """beta * input + alpha * bmm(b1, b2)."""
    prod = _scaled(bmm(b1, b2), alpha)
    return prod if beta == 0 else _scaled(input, beta) + prod


def addbmm(input: Tensor, b1: Tensor, b2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """beta * input + alpha * sum_i b1[i] @ b2[i]."""
    prod = _scaled(bmm(b1, b2).sum(0), alpha)
    return prod if beta == 0 else _scaled(input, beta) + prod


def tensordot(a: Tensor, b: Tensor, dims: Any = 2) -> Tensor:
    """Contract the last ``dims`` dims of a with the first of b, or the listed dim pairs."""
    if isinstance(dims, (int, np.integer)):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        da, db = list(range(-dims, 0)), list(range(dims))
    else:
        da, db = dims
        da = [da] if isinstance(da, (int, np.integer)) else list(da)
        db = [db] if isinstance(db, (int, np.integer)) else list(db)
    if len(da) != len(db):
        raise RuntimeError("both dimension lists should have same length")
    for x, y in zip(da, db):
        if a.shape[x] != b.shape[y]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size "
                               f"{a.shape[x]} in dim {x} and second has size {b.shape[y]} "
                               f"in dim {y}")
    da = [d % a.ndim for d in da]
    db = [d % b.ndim for d in db]
    free_a = [d for d in range(a.ndim) if d not in da]
    free_b = [d for d in range(b.ndim) if d not in db]
    k = math.prod(a.shape[d] for d in da)
    a2 = a.permute(*(free_a + da)).reshape(-1, k)
    b2 = b.permute(*(db + free_b)).reshape(k, -1)
    out_shape = tuple(a.shape[d] for d in free_a) + tuple(b.shape[d] for d in free_b)
    return matmul(a2, b2).reshape(*out_shape)


def kron(a: Tensor, b: Tensor) -> Tensor:
    """Kronecker product: out[i*p + k, j*q + l] = a[i, j] * b[k, l] (any ndim)."""
    n = max(a.ndim, b.ndim)
    a = a.reshape(*((1,) * (n - a.ndim) + tuple(a.shape)))
    b = b.reshape(*((1,) * (n - b.ndim) + tuple(b.shape)))
    ea = a.reshape(*[s for d in a.shape for s in (d, 1)])
    eb = b.reshape(*[s for d in b.shape for s in (1, d)])
    return (ea * eb).reshape(*[x * y for x, y in zip(a.shape, b.shape)])


def cross(a: Tensor, b: Tensor, dim: Any = None) -> Tensor:
    """3-vector cross product along ``dim`` (torch.cross default: first dim of size 3)."""
    shape = np.broadcast_shapes(tuple(a.shape), tuple(b.shape))
    if dim is None:
        dim = next((d for d, s in enumerate(shape) if s == 3), -1)
    if a.shape[dim] != 3 or b.shape[dim] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. "
                           f"Got {a.shape[dim]} and {b.shape[dim]}")
    a0, a1, a2 = a.unbind(dim)
    b0, b1, b2 = b.unbind(dim)
    from .shape import stack
    return stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], dim)


def linalg_cross(a: Tensor, b: Tensor, *, dim: int = -1) -> Tensor:
    """torch.linalg.cross: the cross product along ``dim`` (default -1)."""
    return cross(a, b, dim)


def inner(a: Tensor, b: Tensor) -> Tensor:
    """Sum product over the last dims; a scalar operand multiplies."""
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if a.shape[-1] != b.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but "
                           f"got shapes {list(a.shape)} and {list(b.shape)}")
    return tensordot(a, b, ([-1], [-1]))


class LinAlgError(RuntimeError):
    """A linear-algebra routine failed on its input (torch.linalg.LinAlgError)."""


def torch_type_name(dtype: np.dtype) -> str:
    """PyTorch's capitalised scalar type name: Float, Double, Long, Bool, ..."""
    return str(_TORCH_NAMES.get(np.dtype(dtype), dtype)).capitalize()


def kernel_error(kernel: str, dtype: np.dtype) -> NotImplementedError:
    """The error of a torch CPU kernel that has no version for ``dtype``."""
    return NotImplementedError(f'"{kernel}" not implemented for \'{torch_type_name(dtype)}\'')


def check_matrix(a: np.ndarray, name: str, square: bool = True, kernel: str = "",
                 dispatch_ints: bool = False, low_precision: bool = False) -> None:
    """torch's checks of a linalg input, in its order: at least 2-D, square (if ``square``),
    a float dtype. float16 is refused as "Low precision" (``low_precision``) or reaches
    torch's ``kernel``, which raises NotImplementedError, as (with ``dispatch_ints``) every
    non-float dtype does."""
    if a.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if square and a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are "
                           f"{a.shape[-2]} by {a.shape[-1]} matrices")
    if a.dtype.kind != "f" and not dispatch_ints:
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. "
                           f"Got {torch_type_name(a.dtype)}")
    if low_precision and a.dtype == np.float16:
        raise RuntimeError(f"{name}: Low precision dtypes not supported. Got Half")
    if kernel and a.dtype not in _GEMM_DTYPES:
        raise kernel_error(kernel, a.dtype)


def _inv_array(a: np.ndarray, name: str = "linalg.inv") -> np.ndarray:
    try:
        return np.linalg.inv(a)
    except np.linalg.LinAlgError:
        raise LinAlgError(f"{name}: The input matrix is singular, the inversion could not be "
                          "completed.") from None


@register
class Inv(Function):
    """y = A^-1;  dA = -y^T g y^T  (y recomputed as an op: every order)"""

    @staticmethod
    def forward(ctx, a):
        check_matrix(a, "linalg.inv", low_precision=True)
        ctx.save_for_backward(a)
        return _inv_array(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        yt = Inv.apply(a).mT
        return -(yt @ g @ yt)


@register
class Det(Function):
    """y = det(A);  dA = g * y * A^-T, torch's formula at singular A too (ops/decomp.py)"""

    @staticmethod
    def forward(ctx, a):
        check_matrix(a, "linalg.det", kernel="lu_cpu")
        ctx.save_for_backward(a)
        return np.asarray(np.linalg.det(a), dtype=a.dtype)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        from .decomp import det_backward  # decomp builds on this module
        return det_backward(g, a)


@register
class LogAbsDet(Function):
    """y = log|det(A)|;  dA = g * A^-T"""

    @staticmethod
    def forward(ctx, a):
        check_matrix(a, "linalg.slogdet", low_precision=True)
        ctx.save_for_backward(a)
        return np.asarray(np.linalg.slogdet(a)[1], dtype=a.dtype)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g.unsqueeze(-1).unsqueeze(-1) * Inv.apply(a).mT


@register
class Solve(Function):
    """X = A^-1 B (B: batches of matrices);  dB = A^-T g, dA = -dB X^T"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        try:
            return np.linalg.solve(a, b)
        except np.linalg.LinAlgError:
            raise LinAlgError("torch.linalg.solve: The solver failed because the input matrix "
                              "is singular.") from None

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        gb = Solve.apply(a.mT, g)
        ga = -(gb @ Solve.apply(a, b).mT) if ctx.needs_input_grad[0] else None
        return ga, gb


def inv(a: Tensor) -> Tensor:
    """Inverse of (batches of) square matrices; LinAlgError when singular."""
    return Inv.apply(a)


def det(a: Tensor) -> Tensor:
    """Determinant of (batches of) square matrices."""
    return Det.apply(a)


def slogdet(a: Tensor) -> tuple:
    """(sign, log|det|) of (batches of) square matrices; sign has no gradient."""
    logabsdet = LogAbsDet.apply(a)
    sign = Tensor(np.sign(np.linalg.det(a.data)).astype(a.dtype))
    return _SlogdetResult(sign, logabsdet)


def solve(a: Tensor, b: Tensor, *, left: bool = True) -> Tensor:
    """X with A X = B; B is a vector (batch) when b.ndim == 1 or b.shape == A.shape[:-1]."""
    if not left:
        return solve(a.mT, b.mT).mT
    check_matrix(a.data, "linalg.solve")
    if b.dtype != a.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found "
                           f"A of type {_TORCH_NAMES.get(a.dtype, a.dtype).capitalize()} and B "
                           f"of type {_TORCH_NAMES.get(b.dtype, b.dtype).capitalize()} instead")
    vector = b.ndim == 1 or (b.ndim == a.ndim - 1 and tuple(b.shape) == tuple(a.shape[:-1]))
    b2 = b.unsqueeze(-1) if vector else b
    if b2.shape[-2] != a.shape[-1]:
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation "
                           f"AX = B ({a.shape[-2]}x{a.shape[-1]} and {b2.shape[-2]}x"
                           f"{b2.shape[-1]})")
    batch = np.broadcast_shapes(tuple(a.shape[:-2]), tuple(b2.shape[:-2]))
    a = a.expand(*(batch + tuple(a.shape[-2:]))) if tuple(a.shape[:-2]) != batch else a
    b2 = b2.expand(*(batch + tuple(b2.shape[-2:]))) if tuple(b2.shape[:-2]) != batch else b2
    out = Solve.apply(a, b2)
    return out.squeeze(-1) if vector else out


def multi_dot(tensors: Any) -> Tensor:
    """Chained matmul; the first may be 1-D (row) and the last 1-D (column)."""
    tensors = list(tensors)
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    out = tensors[0]
    for t in tensors[1:]:
        out = matmul(out, t)
    return out

