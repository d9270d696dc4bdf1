"""The head outline exactly as MNE draws it.

This is the package's only use of a private MNE helper
(``mne.viz.topomap._make_head_outlines``): MNE has no public function that
returns the head, nose and ear coordinates, and drawing them as MNE does is
what makes our maps look like MNE's. ``tests/test_mne_outlines.py`` pins the
helper's behaviour, so an MNE release that changes it fails loudly there.
"""

import numpy as np

OUTLINE_PARTS = ("head", "nose", "ear_left", "ear_right")


def head_outlines(sphere, pos):
    """Head, nose and ear lines around ``sphere``, as MNE's topomaps draw them.

    Parameters
    ----------
    sphere : array, shape (4,)
        The head sphere ``(x, y, z, radius)``.
    pos : array, shape (n_channels, 2)
        The sensor positions (MNE uses them to size the clipping circle).

    Returns
    -------
    outlines : dict
        ``{'head': (x, y), 'nose': (x, y), 'ear_left': (x, y),
        'ear_right': (x, y)}``, arrays of coordinates in the units of
        ``pos``.
    """
    from mne.viz.topomap import _make_head_outlines

    sphere = np.asarray(sphere, dtype=float)
    outlines = _make_head_outlines(sphere, np.asarray(pos), "head", tuple(sphere[:2]))
    return {
        part: tuple(np.asarray(c) for c in outlines[part]) for part in OUTLINE_PARTS
    }
