"""Gamma-family and Bessel special functions numpy lacks: ``lgamma``, ``digamma``,
``trigamma``, ``polygamma`` (n >= 2, through the Hurwitz zeta function) and the modified
Bessel functions ``i0`` and ``i1``.

The algorithms are PyTorch's (Cephes's, in ATen/native/Math.h), step for step in float64, so
float64 results agree with PyTorch's to rounding. float32 inputs are computed in float64 and
rounded (PyTorch computes them in float32, a few float32 ulp apart at most). Every kernel is
compiled once, for float64: the wrappers convert. The loops use numpy's scalar functions
where Python's math module would raise (overflow, domain) when run without the JIT.
"""
from __future__ import annotations

import math

import numpy as np

from .threads import SplitKernel

_PSI_10 = 2.25175258906672110764  # digamma(10)
_DIGAMMA_ASYMPTOTIC = (8.33333333333333333333E-2, -2.10927960927960927961E-2,
                       7.57575757575757575758E-3, -4.16666666666666666667E-3,
                       3.96825396825396825397E-3, -8.33333333333333333333E-3,
                       8.33333333333333333333E-2)
_MACHEP = 1.11022302462515654042E-16
# Euler-Maclaurin coefficients (2k)! / B_2k of the Hurwitz zeta tail
_ZETA_A = (12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9,
           7.47242496e10, -2.950130727918164224e12, 1.1646782814350067249e14,
           -4.5979787224074726105e15, 1.8152105401943546773e17, -7.1661652561756670113e18)
# Chebyshev coefficients of exp(-x) I0(x) on [0, 8] and exp(-x) sqrt(x) I0(x) on (8, inf)
_I0_A = (-4.41534164647933937950E-18, 3.33079451882223809783E-17,
         -2.43127984654795469359E-16, 1.71539128555513303061E-15,
         -1.16853328779934516808E-14, 7.67618549860493561688E-14,
         -4.85644678311192946090E-13, 2.95505266312963983461E-12,
         -1.72682629144155570723E-11, 9.67580903537323691224E-11,
         -5.18979560163526290666E-10, 2.65982372468238665035E-9,
         -1.30002500998624804212E-8, 6.04699502254191894932E-8,
         -2.67079385394061173391E-7, 1.11738753912010371815E-6,
         -4.41673835845875056359E-6, 1.64484480707288970893E-5,
         -5.75419501008210370398E-5, 1.88502885095841655729E-4,
         -5.76375574538582365885E-4, 1.63947561694133579842E-3,
         -4.32430999505057594430E-3, 1.05464603945949983183E-2,
         -2.37374148058994688156E-2, 4.93052842396707084878E-2,
         -9.49010970480476444210E-2, 1.71620901522208775349E-1,
         -3.04682672343198398683E-1, 6.76795274409476084995E-1)
_I0_B = (-7.23318048787475395456E-18, -4.83050448594418207126E-18,
         4.46562142029675999901E-17, 3.46122286769746109310E-17,
         -2.82762398051658348494E-16, -3.42548561967721913462E-16,
         1.77256013305652638360E-15, 3.81168066935262242075E-15,
         -9.55484669882830764870E-15, -4.15056934728722208663E-14,
         1.54008621752140982691E-14, 3.85277838274214270114E-13,
         7.18012445138366623367E-13, -1.79417853150680611778E-12,
         -1.32158118404477131188E-11, -3.14991652796324136454E-11,
         1.18891471078464383424E-11, 4.94060238822496958910E-10,
         3.39623202570838634515E-9, 2.26666899049817806459E-8,
         2.04891858946906374183E-7, 2.89137052083475648297E-6,
         6.88975834691682398426E-5, 3.36911647825569408990E-3,
         8.04490411014108831608E-1)
# the same for I1: exp(-x) I1(x) / x on [0, 8], exp(-x) sqrt(x) I1(x) on (8, inf)
_I1_A = (2.77791411276104639959E-18, -2.11142121435816608115E-17,
         1.55363195773620046921E-16, -1.10559694773538630805E-15,
         7.60068429473540693410E-15, -5.04218550472791168711E-14,
         3.22379336594557470981E-13, -1.98397439776494371520E-12,
         1.17361862988909016308E-11, -6.66348972350202774223E-11,
         3.62559028155211703701E-10, -1.88724975172282928790E-9,
         9.38153738649577178388E-9, -4.44505912879632808065E-8,
         2.00329475355213526229E-7, -8.56872026469545474066E-7,
         3.47025130813767847674E-6, -1.32731636560394358279E-5,
         4.78156510755005422638E-5, -1.61760815825896745588E-4,
         5.12285956168575772895E-4, -1.51357245063125314899E-3,
         4.15642294431288815669E-3, -1.05640848946261981558E-2,
         2.47264490306265168283E-2, -5.29459812080949914269E-2,
         1.02643658689847095384E-1, -1.76416518357834055153E-1,
         2.52587186443633654823E-1)
_I1_B = (7.51729631084210481353E-18, 4.41434832307170791151E-18,
         -4.65030536848935832153E-17, -3.20952592199342395980E-17,
         2.96262899764595013876E-16, 3.30820231092092828324E-16,
         -1.88035477551078244854E-15, -3.81440307243700780478E-15,
         1.04202769841288027642E-14, 4.27244001671195135429E-14,
         -2.10154184277266431302E-14, -4.08355111109219731823E-13,
         -7.19855177624590851209E-13, 2.03562854414708950722E-12,
         1.41258074366137813316E-11, 3.25260358301548823856E-11,
         -1.89749581235054123450E-11, -5.58974346219658380687E-10,
         -3.83538038596423702205E-9, -2.63146884688951950684E-8,
         -2.51223623787020892529E-7, -3.88256480887769039346E-6,
         -1.10588938762623716291E-4, -9.76109749136146840777E-3,
         7.78576235018280120474E-1)
_COEFFICIENTS = tuple(np.array(c) for c in (_DIGAMMA_ASYMPTOTIC, _ZETA_A, _I0_A, _I0_B,
                                            _I1_A, _I1_B))


def _digamma_loop(x, out, asymptotic):
    for i in range(x.size):
        v = x[i]
        if v == 0.0:
            out[i] = math.copysign(math.inf, -v)
            continue
        reflection = 0.0
        if v < 0.0:
            fraction = -(-v % 1.0)
            if fraction == 0.0 or v == -math.inf:
                out[i] = math.nan
                continue
            reflection = math.pi / np.tan(math.pi * fraction)
            v = 1.0 - v
        result = 0.0
        while v < 10.0:
            result -= 1.0 / v
            v += 1.0
        if v == 10.0:
            out[i] = result + _PSI_10 - reflection
            continue
        y = 0.0
        if v < 1.0e17:
            z = 1.0 / (v * v)
            p = 0.0
            for c in asymptotic:
                p = p * z + c
            y = z * p
        out[i] = result + math.log(v) - (0.5 / v) - y - reflection


def _trigamma_loop(x, out):
    for i in range(x.size):
        v = x[i]
        sign = 1.0
        result = 0.0
        if v < 0.5:
            sign = -1.0
            s = np.sin(math.pi * v)
            result -= (math.pi * math.pi) / (s * s)
            v = 1.0 - v
        for _ in range(6):
            result += 1.0 / (v * v)
            v += 1.0
        ixx = 1.0 / (v * v)
        result += (1.0 + 1.0 / (2.0 * v)
                   + ixx * (1.0 / 6.0 - ixx * (1.0 / 30.0 - ixx * (1.0 / 42.0)))) / v
        out[i] = sign * result


def _polygamma_loop(x, out, order, factor, tail):
    """out = factor * zeta(order + 1, x), factor = (-1)^(order + 1) order!, with the Hurwitz
    zeta function sum_k (k + x)^-(order + 1) of Cephes (a direct sum, then Euler-Maclaurin)."""
    s_exp = order + 1.0
    for i in range(x.size):
        q = x[i]
        if q <= 0.0 and (q == -math.inf or q % 1.0 == 0.0):  # a pole
            out[i] = factor * math.inf
            continue
        s = np.power(q, -s_exp)
        a = q
        n = 0
        b = 0.0
        done = False
        while n < 9 or a <= 9.0:
            n += 1
            a += 1.0
            b = np.power(a, -s_exp)
            s += b
            if -_MACHEP * s < b < _MACHEP * s:
                done = True
                break
        if not done:
            w = a
            s += b * w / (s_exp - 1.0)
            s -= 0.5 * b
            a = 1.0
            k = 0.0
            for j in range(12):
                a *= s_exp + k
                b /= w
                t = a * b / tail[j]
                s = s + t
                if abs(t / s) < _MACHEP:
                    break
                k += 1.0
                a *= s_exp + k
                b /= w
                k += 1.0
        out[i] = factor * s


def _bessel_loop(x, out, near, far, odd):
    """I0 (odd False) or I1 (odd True) from Cephes's Chebyshev expansions ``near``
    (|x| <= 8) and ``far``; the series is chbevl at y / 2."""
    for i in range(x.size):
        v = abs(x[i])
        coefficients = near if v <= 8.0 else far
        y = v / 2.0 - 2.0 if v <= 8.0 else 32.0 / v - 2.0
        b0 = coefficients[0]
        b1 = 0.0
        b2 = 0.0
        for j in range(1, coefficients.size):
            b2 = b1
            b1 = b0
            b0 = y * b1 - b2 + coefficients[j]
        series = 0.5 * (b0 - b2)
        if v > 8.0:
            r = np.exp(v) * series / math.sqrt(v)
        elif odd:
            r = np.exp(v) * v * series
        else:
            r = np.exp(v) * series
        out[i] = -r if odd and x[i] < 0.0 else r


def _lgamma_loop(x, out):
    for i in range(x.size):
        v = x[i]
        # (the poles explicitly: Python's math.lgamma raises there, libm's gives inf)
        out[i] = math.inf if v <= 0.0 and v % 1.0 == 0.0 else math.lgamma(v)


_LGAMMA = SplitKernel(_lgamma_loop)
_DIGAMMA = SplitKernel(_digamma_loop, shared=(2,))
_TRIGAMMA = SplitKernel(_trigamma_loop)
_POLYGAMMA = SplitKernel(_polygamma_loop, shared=(4,))
_BESSEL = SplitKernel(_bessel_loop, shared=(2, 3))


def _run(kernel: SplitKernel, name: str, x: np.ndarray, *args) -> np.ndarray:
    """``kernel`` over x in float64; the result in x's dtype (float32 or float64)."""
    if x.dtype != np.float32 and x.dtype != np.float64:
        raise TypeError(f"{name}: expected float32 or float64, got {x.dtype}")
    flat = np.ascontiguousarray(x, np.float64).reshape(-1)
    out = np.empty(flat.size, np.float64)
    kernel(flat.size, flat, out, *args)
    return out.reshape(x.shape).astype(x.dtype, copy=False)


def lgamma(x: np.ndarray) -> np.ndarray:
    """log|Gamma(x)| (libm's lgamma; inf at the poles)."""
    return _run(_LGAMMA, "lgamma", x)


def digamma(x: np.ndarray) -> np.ndarray:
    """Gamma'(x) / Gamma(x); -+inf at +-0, NaN at the negative integers."""
    return _run(_DIGAMMA, "digamma", x, _COEFFICIENTS[0])


def trigamma(x: np.ndarray) -> np.ndarray:
    """The derivative of digamma."""
    return _run(_TRIGAMMA, "trigamma", x)


def polygamma(n: int, x: np.ndarray) -> np.ndarray:
    """The n-th derivative of digamma, n >= 2."""
    if n < 2:
        raise ValueError(f"polygamma kernel: n must be >= 2 (digamma/trigamma below), got {n}")
    # libm's lgamma, as PyTorch's (Python's math.lgamma is its own, a few ulp away)
    factor = (1.0 if n % 2 else -1.0) * math.exp(lgamma(np.array([n + 1.0]))[0])
    return _run(_POLYGAMMA, "polygamma", x, float(n), factor, _COEFFICIENTS[1])


def i0(x: np.ndarray) -> np.ndarray:
    """The modified Bessel function of the first kind, order 0."""
    return _run(_BESSEL, "i0", x, _COEFFICIENTS[2], _COEFFICIENTS[3], False)


def i1(x: np.ndarray) -> np.ndarray:
    """The modified Bessel function of the first kind, order 1."""
    return _run(_BESSEL, "i1", x, _COEFFICIENTS[4], _COEFFICIENTS[5], True)
