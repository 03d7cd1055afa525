"""Utilities: ``utils.data`` (datasets and mini-batch loading)."""
from . import data

__all__ = ["data"]
