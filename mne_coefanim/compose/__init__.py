"""The fast compositor: frames without redrawing (see ``_compose``'s docstring)."""

from ._compose import FrameCompositor, Playback, can_play  # noqa: F401
from ._pictures import drawn_frames  # noqa: F401 (the reference)
