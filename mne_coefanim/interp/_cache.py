"""Interpolators kept per geometry, so a second animation skips the build.

Building the operator (triangulation, rasterisation, Clough-Tocher weights,
the gradient system) is most of an animation's set-up; it depends only on
the geometry: the sensor positions, the sphere, ``res`` and the method
options. Animations of the same montage (one per subject in
:func:`~mne_coefanim.save_animations`, a notebook re-run with other data)
share one :class:`ScalpInterpolator`, which holds no per-animation state.
"""

from collections import OrderedDict

import numpy as np

from ._interp import ScalpInterpolator

MAX_ENTRIES = 4  # interpolators kept: a few MB each at res=256


class _Cache:
    def __init__(self):
        self.entries = OrderedDict()
        self.hits = self.misses = 0


_CACHE = _Cache()


def scalp_interpolator(pos, **kwargs):
    """Return the :class:`ScalpInterpolator` of this geometry, built at most once.

    Parameters
    ----------
    pos : array, shape (n_channels, 2)
        The sensor positions.
    **kwargs
        The other arguments of :class:`ScalpInterpolator`.

    Returns
    -------
    interp : ScalpInterpolator
        A shared interpolator (least recently used ones are dropped beyond
        :data:`MAX_ENTRIES`).
    """
    key = _key(pos, kwargs)
    if key is None:  # an argument that cannot be compared: build anew
        return ScalpInterpolator(pos, **kwargs)
    interp = _CACHE.entries.get(key)
    if interp is not None:
        _CACHE.hits += 1
        _CACHE.entries.move_to_end(key)
        return interp
    interp = ScalpInterpolator(pos, **kwargs)  # errors are not cached
    _CACHE.misses += 1
    _CACHE.entries[key] = interp
    while len(_CACHE.entries) > MAX_ENTRIES:
        _CACHE.entries.popitem(last=False)
    return interp


def cache_info():
    """Return the cache's hits, misses and size (for tests and benchmarks).

    Returns
    -------
    info : dict
        ``{'hits': int, 'misses': int, 'size': int}``.
    """
    return {"hits": _CACHE.hits, "misses": _CACHE.misses, "size": len(_CACHE.entries)}


def cache_clear():
    """Drop every kept interpolator and reset the counts."""
    _CACHE.entries.clear()
    _CACHE.hits = _CACHE.misses = 0


def _key(pos, kwargs):
    """Return a hashable key of the exact geometry (array bytes, not rounded)."""
    try:
        items = tuple(sorted((name, _frozen(value)) for name, value in kwargs.items()))
        key = (_frozen(pos), items)
        hash(key)
    except TypeError:
        return None
    return key


def _frozen(value):
    if isinstance(value, np.ndarray | list | tuple):
        array = np.asarray(value)
        if array.dtype == object:
            raise TypeError("not comparable")
        return (array.dtype.str, array.shape, array.tobytes())
    # the type too: res=256.0 equals 256, but must still be refused
    return (type(value).__name__, value)
