"""Adapters: what users have (Info, arrays, estimators, Evoked) as values.

Positions, coefficients and labelled inputs, turned into the package's own
small objects before anything is interpolated or drawn.
"""
