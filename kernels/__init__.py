"""Numba kernels: plain functions on numpy arrays, with no knowledge of ``Tensor``.

Installed as ``autograd_engine.kernels``. Every kernel has a naive loop twin in
``reference.py`` that serves as test oracle and benchmark baseline.
"""
