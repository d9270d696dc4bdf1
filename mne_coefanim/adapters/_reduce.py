"""From a stack of coefficients to one :class:`CoefData`.

Averages folds within subjects, then subjects, and only then applies the
transform (``'abs'`` of the average, never the average of ``'abs'``); several
rows (classes, outputs) are reduced to their norm after averaging. Also
applies a transform to an existing CoefData, once.
"""

import dataclasses

import numpy as np
from mne.utils import logger

from ._coef_data import PER_COMPONENT, PER_SD, CoefData


def _finish(stack, has, times, ch_names, transform, units, kind, **extra):
    """Average folds, then subjects, then transform; build the CoefData.

    A 5-D stack carries rows (classes or outputs) before the channels: one
    row is dropped, several are reduced to their norm after averaging.
    """
    if stack.ndim == 5 and stack.shape[3] > 1:
        return _finish_rows(stack, times, ch_names, transform, units, kind, **extra)
    if stack.ndim == 5:
        stack = stack[:, :, :, 0]
    per_subject = stack.mean(axis=1)
    if has["subjects"]:
        samples, sample_dim = per_subject, "subjects"
    elif has["folds"]:
        samples, sample_dim = stack[0], "folds"
    else:
        samples, sample_dim = None, None
    return _transformed(
        per_subject.mean(axis=0), transform, units, times=times,
        ch_names=ch_names, kind=kind, samples=samples, sample_dim=sample_dim,
        **extra,
    )  # fmt: skip


def _finish_rows(stack, times, ch_names, transform, units, kind, **extra):
    """Norm across rows of the averaged rows: no per-fold noise floor."""
    mean = stack.mean(axis=1).mean(axis=0)  # (n_times, n_rows, n_channels)
    logger.info(
        f"Showing the norm across {stack.shape[3]} classes (rows) of the "
        f"averaged {kind}; pass class_idx to show one class."
    )
    return _transformed(
        np.linalg.norm(mean, axis=1), transform, units, times=times,
        ch_names=ch_names, kind=kind, reduction="the norm across classes",
        **extra,
    )  # fmt: skip


def _transformed(data, transform, units, **fields):
    """Build the CoefData of averaged ``data`` after ``transform``."""
    if transform == "zscore" and units in (None, PER_SD, PER_COMPONENT):
        units = "z"
    if transform == "abs":  # no sign left: no class is positive
        fields["positive"] = None
    return CoefData(
        data=_apply_transform(data, transform), units=units, transform=transform,
        **fields,
    )  # fmt: skip


def _apply_transform(data, transform):
    """Apply ``transform`` to (n_times, n_channels) values."""
    if transform is None:
        return data
    if transform == "abs":
        return np.abs(data)
    centered = data - data.mean(axis=1, keepdims=True)
    std = data.std(axis=1, keepdims=True)
    # A constant time point has std ~ rounding error, not 0: treat it as 0.
    tiny = 1e3 * np.finfo(np.float64).eps * np.abs(data).max(axis=1, keepdims=True)
    out = np.zeros_like(centered)
    np.divide(centered, std, out=out, where=std > tiny)
    return out


def _transform_existing(coef, transform, units, kind):
    """Return a CoefData with ``transform`` applied once (and metadata set)."""
    if transform is not None and transform != coef.transform:
        if coef.transform is not None:
            raise ValueError(
                f"transform={transform!r} cannot be applied: data is a CoefData "
                f"already transformed with {coef.transform!r}. Pass "
                f"transform=None, or build it again from the original values."
            )
        units = units or ("z" if transform == "zscore" else coef.units)
        coef = dataclasses.replace(
            coef, data=_apply_transform(coef.data, transform), transform=transform,
            positive=None if transform == "abs" else coef.positive,
        )  # fmt: skip
    changes = dict(units=units, kind=kind)
    changes = {key: value for key, value in changes.items() if value is not None}
    return dataclasses.replace(coef, **changes) if changes else coef
