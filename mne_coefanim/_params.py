"""Every parameter of :func:`~mne_coefanim.animate_coefs`, declared once.

:data:`PARAMS` gives each option its stage (the option group a stage reads),
its type, its default, its validator and its docstring key (``_docs.py``);
the typed frozen option objects, the command line's defaults and help and
the docstrings come from it. The public signature groups the rarely used
options in MNE-style dicts (``coef_params``, ``score_params``,
``mask_params``, ``consistency``): :func:`flatten` unpacks them (and the
names deprecated in 0.2, with a ``FutureWarning``) into one flat dict of
options, keyed as in :data:`PARAMS`.

Light on purpose (numpy at most): the command line reads it to build its
help without loading matplotlib or MNE.
"""

import os
import re
import sys
import warnings
from dataclasses import dataclass, fields, make_dataclass
from functools import partial
from typing import Any

from . import _checks


@dataclass(frozen=True)
class Param:
    """One option: its stage, type, default, validator and docstring key."""

    name: str
    group: str  # the option group (stage) that reads it; 'call': the entry point
    type: Any = object
    default: Any = None
    check: Any = None  # a validator of _checks, called as check(name, value)
    doc: str = ""  # the docstring entry (default: the name)
    # the command line's option --NAME, if it has one: (its argument group,
    # its type (a name of cli._parser) or choices, metavar, the help's
    # "(default: ...)" text, what the help adds to the docstring's summary)
    cli: tuple = ()


def _value_only(check):
    """Adapt a validator that names its parameter itself to ``check(name, value)``."""
    return lambda name, value: check(value)


_P = Param
_OPT_STR = str | None
PARAMS = {p.name: p for p in (
    _P("data", "call"), _P("info", "call"),
    # data: what to take from the data, and how to read it
    _P("times", "data"), _P("dims", "data", tuple | str | None),
    _P("transform", "data", _OPT_STR), _P("attr", "data", str, "patterns_"),
    _P("class_idx", "data", int | None), _P("class_names", "data", list | None),
    _P("train_time", "data", float | None),
    _P("normalize_patterns", "data", bool, False),
    _P("components", "data", int | list | None),
    _P("align_signs", "data", bool | str, False),
    _P("units", "data", _OPT_STR, None, _checks.check_label,
       cli=("look", None, None, "from the data when known", "")),
    _P("scalings", "data", float | None, cli=(
        "look", "finite_float", "FACTOR", "MNE's for an Evoked, else 1",
        ", e.g. 1e6 for patterns saved in volts, with --units µV")),
    _P("tmin", "data", float | None, cli=(
        "look", "finite_float", "SECONDS", "the first time", "; with --sfreq and "
        "without --first-time, it is still read as the first sample's time, with "
        "a deprecation warning, for one release")),
    _P("tmax", "data", float | None, doc="tmin"),
    _P("decim", "data", int, 1, partial(_checks.check_int, minimum=1),
       cli=("output", "positive_int", "K", "%(default)s", "")),
    _P("freqs", "data"), _P("fmin", "data", float | None),
    _P("fmax", "data", float | None, doc="fmin"),
    # sensors: which channels the map shows, and the head sphere
    _P("ch_type", "sensors", _OPT_STR), _P("picks", "sensors"),
    _P("exclude", "sensors", str | list, "bads"), _P("sphere", "sensors"),
    # map: how sensor values become the scalp image
    _P("image_interp", "map", str, "cubic",
       cli=("look", ("cubic", "linear", "nearest"), None, "%(default)s", "")),
    _P("extrapolate", "map", str, "auto",
       cli=("look", ("auto", "head", "local", "box"), None, "%(default)s", "")),
    _P("border", "map", str | float, "mean"),
    _P("res", "map", int, 256,  # finer than MNE's 64: watched at full size
       cli=("output", "positive_int", "N", "%(default)s", "")),
    _P("extrapolated", "map", str, "show",
       partial(_checks.check_option, allowed=("show", "fade", "hide")),
       doc="beyond_sensors",
       cli=("look", ("show", "fade", "hide"), None, "%(default)s", "")),
    # colors: limits, map and normalisation, fixed across frames
    _P("vlim", "colors", tuple | str, (None, None)), _P("cmap", "colors"),
    _P("cnorm", "colors"),
    # stats: significance markers and how they are computed
    _P("mask", "stats", cli=(
        "mask", None, "{cluster,fdr,FILE}", "none", ": cluster or fdr tests the "
        "subjects of COEFS (an array with a subjects axis) over all its times; FILE "
        "is a boolean .npy or .npz array of shape (n_times, n_channels)")),
    _P("mask_dim", "stats", float | None),
    _P("alpha", "stats", float, 0.05), _P("seed", "stats", int | None),
    _P("consistency", "stats", _OPT_STR),
    _P("consistency_display", "stats", str, "panel"),
    _P("score_stats", "stats", _OPT_STR,
       cli=("score", ("cluster", "fdr"), None, "none; alpha 0.05", "")),
    # scores: the decoding score drawn under the maps
    _P("scores", "scores", cli=(
        "score", None, "FILE", "none", "; FILE is a .npy or .npz file of shape "
        "(n_times,), (n_samples, n_times) or (n_subjects, n_folds, n_times)")),
    _P("chance", "scores", float | str | None, "auto",
       _value_only(_checks.check_chance), cli=(
        "score", "chance", "{auto,none,NUMBER}", "%(default)s", ": auto takes it "
        "from --scoring or --score-label (0.5 for roc_auc or AUC), none draws none")),
    _P("score_label", "scores", _OPT_STR, None, _checks.check_label),
    _P("scoring", "scores", _OPT_STR, cli=("score", None, "NAME", "none", "")),
    _P("score_matrix", "scores", bool | str | None),
    # look: what the figure draws around the maps
    _P("title", "look", _OPT_STR, None, _checks.check_label,
       cli=("look", None, None, "none", "")),
    _P("sensors", "look", bool | str, True, partial(
        _checks.check_type, types=(bool, str), type_name="a bool or a format string")),
    _P("contours", "look", int, 0, partial(_checks.check_int, minimum=0)),
    _P("colorbar", "look", bool, True), _P("mask_params", "look", dict | None),
    _P("butterfly", "look", bool, False,
       partial(_checks.check_type, types=bool, type_name="a bool"),
       cli=("look", "flag", None, "off", "")),
    _P("time_unit", "look", str, "s",
       partial(_checks.check_option, allowed=("s", "ms")),
       cli=("look", ("s", "ms"), None, "%(default)s", "")),
    # the animation
    _P("fps", "call", float, 10, _value_only(_checks.check_fps),
       cli=("output", "positive_float", "N", "%(default)s", "")),
    _P("blit", "call", bool, True),
    _P("dpi", "call", float, 100, _value_only(_checks.check_dpi),  # matplotlib's
       cli=("output", "positive_float", "N", "%(default)s", "")),
    _P("show", "call", bool, True), _P("verbose", "call"),
)}  # fmt: skip
DEFAULTS = {name: p.default for name, p in PARAMS.items()}


def _frozen(name, fields, doc):
    """Make a frozen dataclass of this module."""
    cls = make_dataclass(name, fields, frozen=True)
    cls.__doc__, cls.__module__ = doc, __name__
    return cls


# the option groups (stages), their fields typed from PARAMS
GROUPS = {
    group: _frozen(
        f"{group.capitalize()}Options",
        [(p.name, p.type) for p in PARAMS.values() if p.group == group],
        doc,
    )
    for group, doc in {
        "data": "What to take from the data, and how to read it.",
        "sensors": "Which channels are shown; the sphere.",
        "map": "How sensor values become the scalp image.",
        "colors": "Colour limits, map and normalisation.",
        "stats": "Significance markers and how they are computed.",
        "scores": "The decoding score drawn under the maps.",
    }.items()
}
SceneOptions = _frozen(
    "SceneOptions", list(GROUPS.items()), "Every option of the scene, by stage."
)


def scene_options(params):
    """Sort the flat options ``params`` (keyed as in PARAMS) by stage."""
    return SceneOptions(**{
        name: cls(**{f.name: params[f.name] for f in fields(cls)})
        for name, cls in GROUPS.items()
    })  # fmt: skip


def as_kwargs(group):
    """Return a group's fields as keyword arguments (not copied, unlike asdict)."""
    return {field.name: getattr(group, field.name) for field in fields(group)}


def validate(params):
    """Run the table's validators on the flat options, once, at the boundary.

    A renamed option's error names its public name (``beyond_sensors``).
    """
    public = {option: name for name, option in RENAMED.items()}
    for name, param in PARAMS.items():
        if param.check is not None:
            params[name] = param.check(public.get(name, name), params[name])
    return params


# -- the public signature's dicts, and the names deprecated in 0.2 -------------

# public dict -> {its key: the option it sets}
DICTS = {
    "coef_params": {key: key for key in (
        "attr", "transform", "class_idx", "class_names", "train_time",
        "normalize_patterns", "components", "align_signs", "freqs", "fmin", "fmax")},
    "score_params": dict(chance="chance", label="score_label", scoring="scoring",
                         matrix="score_matrix", stats="score_stats", alpha="alpha",
                         seed="seed"),
    "consistency": dict(kind="consistency", display="consistency_display",
                        alpha="alpha"),
    "mask_params": dict(dim="mask_dim"),  # its other keys are marker properties
    "beyond_sensors": dict(display="extrapolated", border="border"),
}  # fmt: skip
RENAMED = dict(beyond_sensors="extrapolated")  # public name -> option
# old name -> what to use instead (the option keeps the old name)
DEPRECATED = {
    **{old: f"coef_params=dict({old}=...)" for old in DICTS["coef_params"]},
    **{old: f"score_params=dict({key}=...)"
       for key, old in DICTS["score_params"].items() if key not in ("alpha", "seed")},
    "consistency_display": "consistency=dict(kind=..., display=...)",
    "alpha": "mask=dict(method=..., alpha=...), score_params=dict(alpha=...) or "
             "consistency=dict(kind=..., alpha=...)",
    "seed": "mask=dict(method=..., seed=...) or score_params=dict(seed=...)",
    "mask_dim": "mask_params=dict(dim=...)",
    "extrapolated": "beyond_sensors",
    "blit": "nothing (it is always on)",
    "exclude": "picks (MNE's picks leave out the bads unless named)",
    "border": "beyond_sensors=dict(border=...)",
}  # fmt: skip


def flatten(kwargs, public):
    """Return every option of :data:`PARAMS` (defaults filled in) of a call's keywords.

    ``kwargs`` holds public names (``public``, the signature's) and deprecated
    ones (which warn); any other name is a TypeError, as Python's own.
    """
    params, from_dicts = dict(DEFAULTS), {}
    for name, value in kwargs.items():
        if name in DICTS:
            for option, item in _unpack(name, value).items():
                if option in from_dicts and from_dicts[option][1] != item:  # alpha
                    raise ValueError(
                        f"{from_dicts[option][0]} and {name} both set {option} "
                        "(one value serves both); give it once."
                    )
                from_dicts[option] = (name, item)
                params[option] = item
        elif name in RENAMED:
            params[RENAMED[name]] = value
        elif name in PARAMS and name in public:
            params[name] = value
        elif name in DEPRECATED:
            _deprecated(name)
            params[name] = value
        else:
            raise TypeError(
                f"animate_coefs() got an unexpected keyword argument {name!r}"
            )
    return params


# a value in a message: quoted, <a placeholder>, ..., a word or a number (a
# sentence's full stop is no part of it)
VALUE_TEXT = r"'[^']*'|\"[^\"]*\"|<[^>]+>|\.\.\.|[\w+-]+(?:\.[\w+-]+)*"
# 0.2's dict spellings, coef_params=dict(align_signs=True) or
# score_params['stats'], and their keys' options (mask's method is --mask)
_KEYS = {**DICTS, "mask": {"method": "mask"}}
_DICT_ITEMS = re.compile(
    rf"\b({'|'.join(_KEYS)})=dict\(((?:\w+=(?:{VALUE_TEXT})(?:, )?)+)\)"
)
_DICT_KEY = re.compile(rf"\b({'|'.join(_KEYS)})\['(\w+)'\]")


def spelled_as_options(text, options):
    """Spell a message's dict items whose options a command has as ``option=value``.

    ``score_params=dict(stats='fdr')`` becomes ``score_stats='fdr'`` and
    ``score_params['stats']`` ``--score-stats`` when ``score_stats`` is in
    ``options`` (the command line's words); other items keep Python's spelling.
    """

    def option(name, key):
        flat = _KEYS[name].get(key, key if name == "mask" else None)
        return flat if flat in options else None

    def items(match):
        pairs = re.findall(rf"(\w+)=({VALUE_TEXT})", match.group(2))
        flat = [option(match.group(1), key) for key, _ in pairs]
        if None in flat:  # an item the command cannot set: Python's spelling
            return match.group(0)
        named = zip(flat, (value for _, value in pairs), strict=True)
        return " ".join(f"{name}={value}" for name, value in named)

    def key(match):
        flat = option(*match.groups())
        return match.group(0) if flat is None else "--" + flat.replace("_", "-")

    text = _DICT_KEY.sub(key, _DICT_ITEMS.sub(items, text))
    for public, flat in RENAMED.items():  # beyond_sensors is --extrapolated
        if flat in options:
            text = re.sub(rf"\b{public}\b", flat, text)
    return text


def _unpack(name, value):
    """Return the options set by the public dict ``name`` (None: none)."""
    if name == "consistency" and (value is None or isinstance(value, str)):
        return dict(consistency=value)
    if name == "beyond_sensors" and not isinstance(value, dict):
        return dict(extrapolated=value)  # its validator names what is allowed
    if value is None:
        return dict(mask_params=None) if name == "mask_params" else {}
    _checks.check_type(name, value, dict, "a dict or None")
    keys = DICTS[name]
    if name == "mask_params":  # MNE's marker properties, and our "dim"
        marker = {k: v for k, v in value.items() if k != "dim"}
        out = dict(mask_params=marker or None)
        return {**out, **({"mask_dim": value["dim"]} if "dim" in value else {})}
    unknown = sorted(set(value) - set(keys))
    if unknown:
        raise ValueError(
            f"{name} has no key {unknown[0]!r}; its keys are "
            f"{', '.join(repr(k) for k in keys)}."
        )
    return {keys[key]: item for key, item in value.items()}


def _deprecated(name):
    """Warn that ``name`` is deprecated, from the user's line (outside the package)."""
    here = os.path.dirname(os.path.abspath(__file__))
    frame, level = sys._getframe(1), 2  # our caller's frame is stacklevel 2
    while frame is not None and (
        frame.f_code.co_filename.startswith(here)
        or "<decorator-gen" in frame.f_code.co_filename
    ):
        frame, level = frame.f_back, level + 1
    warnings.warn(
        f"{name} is deprecated since 0.2 and will be removed in 0.3; use "
        f"{DEPRECATED[name]} instead.",
        FutureWarning,
        stacklevel=level,
    )
