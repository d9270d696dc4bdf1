"""The animation's options, grouped in small frozen objects built once.

The public functions keep MNE's flat keyword style; :func:`scene_options`
sorts their keywords into one group per stage, so that the stages take a
few objects instead of repeating a list of thirty parameters. A new option
is one field here, one docstring entry (``_docs.py``) and its use.
"""

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class DataOptions:
    """What to take from the data, and how to read it."""

    times: object
    dims: object
    transform: object
    attr: object
    class_idx: object
    class_names: object
    train_time: object
    normalize_patterns: object
    components: object
    align_signs: object
    units: object
    scalings: object
    tmin: object
    tmax: object
    freqs: object
    fmin: object
    fmax: object


@dataclass(frozen=True)
class SensorOptions:
    """Which channels the map shows, and the head sphere."""

    ch_type: object
    picks: object
    exclude: object
    sphere: object


@dataclass(frozen=True)
class MapOptions:
    """How sensor values become the scalp image."""

    image_interp: object
    extrapolate: object
    border: object
    res: object
    extrapolated: object


@dataclass(frozen=True)
class ColorOptions:
    """Colour limits, map and normalisation, fixed across frames."""

    vlim: object
    cmap: object
    cnorm: object


@dataclass(frozen=True)
class StatOptions:
    """Significance markers and how they are computed."""

    mask: object
    mask_dim: object
    alpha: object
    seed: object
    consistency: object
    consistency_display: object
    score_stats: object


@dataclass(frozen=True)
class ScoreOptions:
    """The decoding score drawn under the maps."""

    scores: object
    chance: object
    score_label: object
    scoring: object
    score_matrix: object


@dataclass(frozen=True)
class SceneOptions:
    """Every option of the scene, by stage."""

    data: DataOptions
    sensors: SensorOptions
    map: MapOptions
    colors: ColorOptions
    stats: StatOptions
    scores: ScoreOptions


GROUPS = {
    "data": DataOptions,
    "sensors": SensorOptions,
    "map": MapOptions,
    "colors": ColorOptions,
    "stats": StatOptions,
    "scores": ScoreOptions,
}


def pick_fields(cls, params):
    """Build ``cls`` from the entries of ``params`` named like its fields."""
    return cls(**{field.name: params[field.name] for field in fields(cls)})


def scene_options(params):
    """Sort the keywords of :func:`~mne_coefanim.animate_coefs` by stage.

    Parameters
    ----------
    params : dict
        The keyword arguments (at least every field of every group).

    Returns
    -------
    options : SceneOptions
        The options, grouped.
    """
    return SceneOptions(
        **{name: pick_fields(cls, params) for name, cls in GROUPS.items()}
    )


def as_kwargs(group):
    """Return a group's fields as keyword arguments (not copied, unlike asdict)."""
    return {field.name: getattr(group, field.name) for field in fields(group)}
