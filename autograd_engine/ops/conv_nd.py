"""im2col and its adjoint col2im per spatial rank: all a convolution (ops/conv.py) does
differently in 1, 2 and 3 dims.

Each rank has ``im2col(x, kernel, stride, padding, dilation, out_size)`` -> columns
``(N, C * prod(kernel), prod(out_size))`` and ``col2im(cols, image_shape, kernel, stride,
padding, dilation, out_size)`` -> image, with the Numba kernels' conventions (kernels/conv.py).
2-D is those kernels. 1-D is them on a unit height, (N, C, L) as (N, C, 1, L). 3-D is the
2-D im2col of every (channel, depth) plane, then a strided copy that picks each depth tap's
planes; its col2im is the adjoint, depth taps first.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..kernels import conv as _conv_kernels


def _im2col_1d(x: np.ndarray, kernel: tuple, stride: tuple, padding: tuple, dilation: tuple,
               out_size: tuple) -> np.ndarray:
    return _conv_kernels.im2col(x[:, :, None], (1, *kernel), (1, *stride), (0, *padding),
                                (1, *dilation), (1, *out_size))


def _col2im_1d(cols: np.ndarray, shape: tuple, kernel: tuple, stride: tuple, padding: tuple,
               dilation: tuple, out_size: tuple) -> np.ndarray:
    image = _conv_kernels.col2im(cols, (shape[0], shape[1], 1, shape[2]), (1, *kernel),
                                 (1, *stride), (0, *padding), (1, *dilation), (1, *out_size))
    return image.reshape(shape)


def _im2col_3d(x: np.ndarray, kernel: tuple, stride: tuple, padding: tuple, dilation: tuple,
               out_size: tuple) -> np.ndarray:
    """The 2-D im2col of every depth plane (depth zero-padded), then for each depth tap and
    output depth the plane it reads, as one strided copy of whole (kh*kw, oh*ow) blocks."""
    (kd, kh, kw), (sd, *stride), (pd, *padding), (dd, *dilation) = (kernel, stride, padding,
                                                                    dilation)
    n_batch, channels = x.shape[:2]
    if pd:
        x = np.pad(x, ((0, 0), (0, 0), (pd, pd), (0, 0), (0, 0)))
    depth = x.shape[2]
    planes = _conv_kernels.im2col(x.reshape(n_batch, channels * depth, *x.shape[3:]),
                                  (kh, kw), stride, padding, dilation, out_size[1:])
    plane = out_size[1] * out_size[2]
    block, item = kh * kw * plane, planes.itemsize  # one depth plane's columns
    taps = as_strided(planes, (n_batch, channels, kd, kh * kw, out_size[0], plane),
                      (planes.strides[0], depth * block * item, dd * block * item,
                       plane * item, sd * block * item, item), writeable=False)
    return np.ascontiguousarray(taps).reshape(n_batch, channels * kd * kh * kw,
                                              out_size[0] * plane)


def _col2im_3d(cols: np.ndarray, shape: tuple, kernel: tuple, stride: tuple, padding: tuple,
               dilation: tuple, out_size: tuple) -> np.ndarray:
    (kd, kh, kw), (sd, *stride), (pd, *padding), (dd, *dilation) = (kernel, stride, padding,
                                                                    dilation)
    n_batch, channels, depth = shape[0], shape[1], shape[2] + 2 * pd
    od, plane = out_size[0], out_size[1] * out_size[2]
    taps = cols.reshape(n_batch, channels, kd, kh * kw, od, plane)
    planes = np.zeros((n_batch, channels, depth, kh * kw, plane), cols.dtype)
    for i in range(kd):  # one tap's output depths are distinct planes: a plain +=
        planes[:, :, i * dd:i * dd + sd * (od - 1) + 1:sd] += taps[:, :, i].transpose(
            0, 1, 3, 2, 4)
    image = _conv_kernels.col2im(planes.reshape(n_batch, channels * depth * kh * kw, plane),
                                 (n_batch, channels * depth) + tuple(shape[3:]), (kh, kw),
                                 stride, padding, dilation, out_size[1:])
    return image.reshape(n_batch, channels, depth, *shape[3:])[:, :, pd:pd + shape[2]]


# spatial rank -> (im2col, col2im)
UNFOLD = {1: (_im2col_1d, _col2im_1d),
          2: (_conv_kernels.im2col, _conv_kernels.col2im),
          3: (_im2col_3d, _col2im_3d)}
