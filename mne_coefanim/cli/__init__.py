"""The ``mne-coefanim`` command (:func:`main`)."""

__all__ = ["main"]


def __getattr__(name):  # loaded on use: ``python -m mne_coefanim.cli._main`` too
    if name == "main":
        from ._main import main

        return main
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
