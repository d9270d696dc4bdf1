"""Each frame's colour indices, computed 64 frames at a time.

The figure (on screen) and the frame compositor (for files) both ask for
one frame at a time; :class:`FrameLevels` interpolates a chunk of frames in
one product through the scene's operator, turns the values into colour
indices, moves the pixels that should be faded to their dimmed twin colours,
and keeps the chunk until a frame outside it is asked for.
"""

import functools

import numpy as np

CHUNK_FRAMES = 64  # frames interpolated at once: bounds memory at any length


class FrameLevels:
    """The colour indices (and, for contours, the values) of every frame.

    Parameters
    ----------
    scene : Scene
        The validated scene.
    images : bool
        Also return each frame's interpolated values on the full grid (for
        contour lines).
    """

    def __init__(self, scene, *, images):
        self._scene = scene
        self._images = images
        self._chunk = (0, 0, None)  # frames start..stop, computed

    def reset(self):
        """Free the chunk held."""
        self._chunk = (0, 0, None)

    def frame(self, index, chunk=CHUNK_FRAMES):
        """Levels, masks and images of frame ``index``, through the chunk cache.

        Returns
        -------
        levels : list of array of uint8
            Per panel, the colour index of each pixel inside the head.
        masks : list of array of bool | None
            Per panel, the significance of each channel.
        images : list of array | None
            Per panel, the values on the full grid (NaN outside), or None.
        """
        start, stop, data = self._chunk
        if not start <= index < stop:
            start = index - index % chunk
            stop = min(start + chunk, len(self._scene.times))
            data = self._chunk_levels(start, stop)
            self._chunk = (start, stop, data)
        levels, maps = data
        k = index - start
        masks = None
        if self._scene.masks is not None:
            masks = [mask[index] for mask in self._scene.masks]
        return (
            [panel[k] for panel in levels],
            masks,
            [panel[k] for panel in maps] if maps is not None else None,
        )

    def _chunk_levels(self, start, stop):
        """Colour indices (and optionally values) of frames start..stop."""
        scene, images = self._scene, self._images
        levels, maps = [], []
        for values, table in zip(scene.values, scene.panel_tables, strict=True):
            pixels = scene.interp.interpolate_inside(
                values[start:stop], dtype=np.float64 if images else self.level_dtype
            )
            # levels computed on the (n_inside, n_frames) buffer, then one
            # cheap uint8 transpose: each frame's row is contiguous for the
            # compositor's gathers
            panel_levels = np.ascontiguousarray(table.levels(pixels.T).T)
            self._dim(panel_levels, len(levels), table, start, stop)
            levels.append(panel_levels)
            if images:
                full = np.full((stop - start, scene.interp.res**2), np.nan)
                full[:, scene.interp.inside.ravel()] = pixels
                maps.append(full.reshape(-1, scene.interp.res, scene.interp.res))
        return levels, (maps if images else None)

    def _dim(self, levels, panel, table, start, stop):
        """Move to the twin pixels not significant (mask_dim) or extrapolated."""
        scene = self._scene
        if scene.fade is not None:  # consistency_display='fade': graded instead
            scene.fade.apply(levels, panel, start, stop)
            return
        if not scene.faded:
            return
        twin = scene.faded[min(panel, len(scene.faded) - 1)]
        faded = np.zeros(levels.shape, bool)
        if scene.mask_dim is not None:
            nearest = scene.interp.nearest_channel
            faded |= ~scene.masks[panel, start:stop][:, nearest]
        if scene.extrapolated is not None:  # extrapolated='fade'
            faded[:, scene.extrapolated] = True
        levels[faded] += np.uint8(twin.offset - table.offset)

    @functools.cached_property
    def level_dtype(self):
        """float32 (half the per-frame work) unless it would blur or overflow.

        float32 keeps about 7 digits: enough for the colour levels while the
        values are within 1e4 times the colour range; and its range ends at
        3e38, so the colour range must not be tiny (n_levels / span) either.
        """
        scene = self._scene
        span = max(t.vmax - t.vmin for t in scene.panel_tables)
        border = scene.interp.border
        peak = max(
            float(np.abs(scene.values).max()),
            *(abs(v) for t in scene.panel_tables for v in (t.vmin, t.vmax)),
            abs(border) if isinstance(border, float) else 0.0,
        )
        fits = span >= 1e-30 and peak <= min(1e4 * span, 1e30)
        return np.float32 if fits else np.float64
