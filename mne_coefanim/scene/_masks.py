"""The animation's significance masks: tested across subjects, over all times.

``mask='cluster' | 'fdr'`` (or a dict of the test's settings) runs
:func:`mne_coefanim.significance_mask` on each panel's per-subject samples.
Two rules keep the markers honest:

* only subjects are independent samples. Cross-validation folds share most
  of their training epochs, so a test across folds marks pure noise as
  significant; maps that are non-negative by construction (a norm across
  classes, the RMS of gradiometer pairs) are never zero on average, so a
  test against 0 marks noise too. Both are refused, saying what to pass.
* the first axis must be known to hold subjects: an array whose axes were
  not named (``dims=None``, read by default as subjects) is refused, and so
  are maps on one side of the null level everywhere (e.g. per-subject
  ``np.abs``), unless a one-sided test against a stated level is asked.
* the test runs over the data's whole time range, whatever ``tmin`` and
  ``tmax`` crop from the display: the statistics do not change when only
  the window shown changes.
"""

import mne
import numpy as np

from .._checks import check_option, check_real
from ..inputs._csp import aligned_test_refusal

MASK_METHODS = ("cluster", "fdr")
MASK_SETTINGS = (
    "method", "alpha", "tail", "popmean", "threshold", "n_permutations", "seed",
)  # fmt: skip


def resolve_masks(mask, panels, sensors, time_sel, *, alpha, seed):
    """Return the masks of the frames shown, (n_panels, n_shown, n_channels).

    Parameters
    ----------
    mask : None | str | dict | array of bool
        As in :func:`mne_coefanim.animate_coefs`.
    panels : list of CoefData
        The panels, channels aligned with ``sensors``.
    sensors : Sensors
        The sensors of the map (their Info gives the channel adjacency).
    time_sel : array of int
        The frames shown (after ``tmin``/``tmax``).
    alpha, seed
        Defaults for the test's settings that ``mask`` does not give.

    Returns
    -------
    masks : array of bool | None
        None when ``mask`` is None.
    """
    if mask is None:
        return None
    if isinstance(mask, str | dict):
        settings = _test_settings(mask, alpha, seed)
        masks = np.stack([_tested_mask(p, sensors, settings) for p in panels])
        return np.ascontiguousarray(masks[:, time_sel])
    return _given_mask(mask, panels, sensors, time_sel)


def _test_settings(mask, alpha, seed):
    """Return the keyword arguments of significance_mask that ``mask`` asks for."""
    if isinstance(mask, str):
        check_option("mask", mask, MASK_METHODS)
        return dict(method=mask, alpha=alpha, seed=seed)
    unknown = sorted(set(map(str, mask)) - set(MASK_SETTINGS))
    if unknown or "method" not in mask:
        raise ValueError(
            f"mask as a dict must give 'method' ({' or '.join(map(repr, MASK_METHODS))}"
            f") and may give {', '.join(map(repr, MASK_SETTINGS[1:]))}; got keys "
            f"{sorted(map(str, mask))}, e.g. mask=dict(method='cluster', "
            f"threshold=3.0, n_permutations=1024, tail=0)."
        )
    check_option("mask['method']", mask["method"], MASK_METHODS)
    if "popmean" in mask:
        check_real("mask['popmean']", mask["popmean"])
    return dict(dict(alpha=alpha, seed=seed), **mask)


def _tested_mask(panel, sensors, settings):
    """Test one panel's per-subject samples, or say why they cannot be."""
    from ..stats._stats import significance_mask  # scipy.stats: only when needed

    method = settings["method"]
    if panel.reduction is not None:
        raise ValueError(
            f"mask={method!r} cannot test {panel.reduction}: it is non-negative "
            f"by construction, so tested against 0 even pure noise comes out "
            f"significant. {_signed_hint(panel.reduction)}"
        )
    if panel.signs_aligned:
        raise ValueError(aligned_test_refusal(f"mask={method!r}"))
    if panel.sample_dim != "subjects":
        raise ValueError(_not_subjects_message(method, panel))
    if panel.guessed_dims is not None:
        raise ValueError(unnamed_axes_message(f"mask={method!r}", panel.guessed_dims))
    from ..stats._stats import one_sided_data

    popmean = settings.get("popmean", 0.0)
    side = one_sided_data(panel.samples, popmean)
    if side is not None:
        raise ValueError(one_sided_message(f"mask={method!r}", side, popmean))
    info = sensors.info
    if info is None:
        if method == "cluster":
            raise ValueError(
                "mask='cluster' needs the channels' neighbours, from an mne.Info "
                "with a montage; info is an array of positions. Pass an Info, "
                "or mask='fdr'."
            )
        info = mne.create_info(list(sensors.ch_names), 1.0, "eeg")
    return significance_mask(panel.samples, info, **settings)


def unnamed_axes_message(what, dims):
    """Why ``what`` refuses samples whose axes were guessed (``dims``), and how."""
    return (
        f"{what} tests across the first axis of data, but its axes were not "
        f"named: a {len(dims)}-D array is read as {dims} by default, and its "
        f"first axis could as well hold cross-validation folds ({_TEST_HARM}"
        f", as folds share most of their training epochs). Name the axes: "
        f"dims={dims!r} if the first axis holds subjects; folds "
        f"(dims={('folds',) + dims[1:]!r}) are never tested."
    )


def one_sided_message(what, side, popmean):
    """Why ``what`` refuses maps all on one side of the null level, what to do."""
    tail, beyond = (1, "above") if side == "non-negative" else (-1, "below")
    return (
        f"{what} cannot test these maps against {popmean:g}: every subject's "
        f"map is {side} at every time and channel (e.g. made with np.abs, a "
        f"norm or a power), so their mean lies {beyond} {popmean:g} even for "
        f"pure noise and the test marks noise as significant. Pass a signed "
        f"quantity (e.g. the patterns before np.abs), or state the level the "
        f"maps take under the null hypothesis and test one-sided {beyond} it: "
        f"mask=dict(method='cluster' or 'fdr', tail={tail}, popmean=<null "
        f"level>) (command line: --tail {tail} --popmean LEVEL), the null level "
        f"measured e.g. on label-permuted decoders or before the stimulus."
    )


def _signed_hint(reduction):
    if "class" in reduction:
        return (
            "Pass class_idx to test one class's signed pattern, or a boolean "
            "mask computed elsewhere."
        )
    return (
        "Test the magnetometers (ch_type='mag'), or pass a boolean mask "
        "computed elsewhere."
    )


_TEST_HARM = "a test across them marks pure noise as significant"


def not_subjects_reason(panel, harm=_TEST_HARM):
    """Why ``panel`` has no per-subject samples: folds (and the harm), or one map."""
    if panel.sample_dim == "folds":
        return (
            f"data has {len(panel.samples)} cross-validation folds and no "
            f"subjects axis. Folds are not independent samples (they share most "
            f"of their training epochs), so {harm}"
        )
    return "data holds a single map, with no subjects axis"


PER_SUBJECT_HINT = (
    "Pass per-subject data (an array with a 'subjects' axis named in dims, or "
    "one list of fold estimators per subject)"
)


def _not_subjects_message(method, panel):
    what = not_subjects_reason(panel)
    return (
        f"mask={method!r} tests across subjects, but {what}. {PER_SUBJECT_HINT}"
        ", or a boolean mask of shape (n_times, "
        "n_channels) computed elsewhere (e.g. from a permutation test within "
        "this subject)."
    )


def _given_mask(mask, panels, sensors, time_sel):
    """Check a boolean mask given by the user and crop it to the frames shown."""
    mask = np.asarray(mask)
    if mask.dtype != bool:
        raise TypeError(
            f"mask must be a boolean array, 'cluster', 'fdr' or a dict of test "
            f"settings; got an array of dtype {mask.dtype}."
        )
    n_times, n_ch = len(panels[0].times), len(sensors.ch_names)
    if mask.shape == (n_times, n_ch):
        mask = np.broadcast_to(mask, (len(panels), n_times, n_ch))
    if mask.shape != (len(panels), n_times, n_ch):
        raise ValueError(
            f"mask must have shape (n_times, n_channels) = ({n_times}, {n_ch}); "
            f"got {mask.shape}."
        )
    return np.ascontiguousarray(mask[:, time_sel])
