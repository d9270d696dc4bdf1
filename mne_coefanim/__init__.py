"""Animate time-resolved decoder coefficients and patterns on the scalp."""

from ._api import CoefAnimation, animate_coefs, plot_coefs
from ._batch import save_animations
from .adapters._coefs import CoefData, as_coef_data
from .adapters._demo import DemoStudy, load_demo, simulate_epochs
from .adapters._positions import Sensors, resolve_sensors, topomap_positions
from .interp._interp import ScalpInterpolator
from .io._inline import add_to_report
from .stats._stats import patterns_from_filters, significance_mask

__version__ = "0.1.0"

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
