"""The ``mne-coefanim`` command (:func:`main`; the console script runs :func:`run`)."""

__all__ = ["main", "run"]


def __getattr__(name):  # loaded on use: ``python -m mne_coefanim.cli._main`` too
    if name in __all__:
        from . import _main

        return getattr(_main, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
