"""Animate time-resolved decoder coefficients and patterns on the scalp."""

__version__ = "0.1.0"
