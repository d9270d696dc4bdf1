"""Animate time-resolved decoder coefficients and patterns on the scalp.

The public names are imported on first use (PEP 562), so that
``import mne_coefanim`` and the command's ``--help`` stay light: matplotlib,
SciPy and MNE load only when a function needs them.
"""

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

# public name -> the module (relative to this package) that defines it
_LAZY = {
    "CoefAnimation": "._api",
    "animate_coefs": "._api",
    "plot_coefs": "._api",
    "save_animations": "._batch",
    "CoefData": ".inputs._coefs",
    "as_coef_data": ".inputs._coefs",
    "DemoStudy": ".datasets._demo",
    "load_demo": ".datasets._demo",
    "simulate_epochs": ".datasets._demo",
    "Sensors": ".inputs._sensors",
    "resolve_sensors": ".inputs._sensors",
    "topomap_positions": ".inputs._sensors",
    "ScalpInterpolator": ".interp._interp",
    "add_to_report": ".io._inline",
    "patterns_from_filters": ".stats._agreement",
    "significance_mask": ".stats._masks",
}

__all__ = [
    "CoefAnimation",
    "CoefData",
    "DemoStudy",
    "ScalpInterpolator",
    "add_to_report",
    "Sensors",
    "animate_coefs",
    "as_coef_data",
    "load_demo",
    "patterns_from_filters",
    "plot_coefs",
    "resolve_sensors",
    "save_animations",
    "significance_mask",
    "simulate_epochs",
    "topomap_positions",
]


def __getattr__(name):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # the next lookup does not come here
    return value


def __dir__():
    return sorted({*globals(), *__all__})


if TYPE_CHECKING:  # what __getattr__ imports, for the layer checks and type checkers
    from ._api import CoefAnimation, animate_coefs, plot_coefs  # noqa: F401
    from ._batch import save_animations  # noqa: F401
    from .datasets._demo import DemoStudy, load_demo, simulate_epochs  # noqa: F401
    from .inputs._coefs import CoefData, as_coef_data  # noqa: F401
    from .inputs._sensors import (  # noqa: F401
        Sensors,
        resolve_sensors,
        topomap_positions,
    )
    from .interp._interp import ScalpInterpolator  # noqa: F401
    from .io._inline import add_to_report  # noqa: F401
    from .stats._agreement import patterns_from_filters  # noqa: F401
    from .stats._masks import significance_mask  # noqa: F401
