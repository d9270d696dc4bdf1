"""Defaults shared by the Python functions and the command line.

Light on purpose (no imports): the command line reads them to build its
help without loading matplotlib or MNE.
"""

DEFAULT_FPS = 10  # frames per second
DEFAULT_DPI = 100  # matplotlib's default
DEFAULT_RES = 256  # finer than MNE's 64: an animation is watched at full size
DEFAULT_IMAGE_INTERP = "cubic"
DEFAULT_EXTRAPOLATE = "auto"
DEFAULT_TIME_UNIT = "s"
# scores (and the chance level) beyond this cannot share an axis: far beyond
# any score, and squares (for the SEM) stay finite
MAX_SCORE = 1e100
# a map interpolates between channels: Qhull's 2-D Delaunay triangulation
# needs four points (positions, picks and the interpolator say the same)
MIN_CHANNELS = 4
