"""The ``mne-coefanim`` command (:func:`main`)."""

from ._main import main

__all__ = ["main"]
