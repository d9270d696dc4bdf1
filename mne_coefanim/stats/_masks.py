"""Significance masks: which (time, channel) cells to highlight, the whole route.

:func:`significance_mask` tests per-subject maps across subjects, corrected
by a spatio-temporal cluster permutation test or the FDR.
:func:`resolve_masks` gives the animation its masks: ``'cluster' | 'fdr'``
(or a dict) tests each panel's per-subject samples over the data's whole
time range; a boolean mask is checked and cropped. With frequency rows,
:func:`row_masks` orders a mask per frequency, and :func:`check_mask_dim`
checks the dimming of what is not significant.
"""

import mne
import numpy as np
from mne.utils import logger, verbose

from .._checks import (
    as_float_array,
    check_finite,
    check_option,
    check_real,
    check_type,
)
from ..inputs._csp import aligned_test_refusal
from ._agreement import one_sided_data, one_sided_message, refuse_untestable
from ._score_tests import (
    _check_alpha,
    _check_n_permutations,
    _subjects_needed,
    _t_p_values,
    cluster_significance,
)


@verbose
def significance_mask(
    samples,
    info,
    *,
    method="cluster",
    alpha=0.05,
    tail=0,
    popmean=0.0,
    n_permutations=1024,
    threshold=None,
    seed=None,
    ch_type=None,
    n_jobs=None,
    verbose=None,
):
    """Find the (time, channel) cells where subjects agree on an effect.

    A one-sample test across subjects of ``samples - popmean`` against 0 at
    every time point and channel, corrected for the many tests either by a
    spatio-temporal cluster permutation test (``method='cluster'``,
    :func:`mne.stats.spatio_temporal_cluster_1samp_test`) or by the
    Benjamini-Hochberg false discovery rate over all times x channels
    (``method='fdr'``, :func:`mne.stats.fdr_correction`).

    Parameters
    ----------
    samples : array, shape (n_subjects, n_times, n_channels)
        One map per subject and time, e.g. coefficients or patterns averaged
        over folds. The test asks whether their mean differs from
        ``popmean``.
    info : mne.Info
        Measurement info whose channels (those of type ``ch_type`` if given)
        are, in order, the last axis of ``samples``. With
        ``method='cluster'`` the channels need positions (a montage): their
        neighbours come from :func:`mne.channels.find_ch_adjacency`.
    method : 'cluster' | 'fdr'
        How to correct for multiple comparisons.
    alpha : float
        Significance level, in (0, 1). With ``'cluster'`` a cell is marked
        when it belongs to a cluster whose p-value is below ``alpha``; with
        ``'fdr'`` the false discovery rate is controlled at ``alpha``.
    tail : -1 | 0 | 1
        0 tests ``mean != popmean`` (two-sided), 1 tests ``mean > popmean``
        and -1 tests ``mean < popmean``.
    popmean : float
        The value under the null hypothesis, subtracted from ``samples``
        before testing against 0: 0 for coefficients and patterns, the
        chance level (e.g. 0.5 for ROC AUC) for scores. Samples that are
        non-negative everywhere (e.g. per-subject ``np.abs``, a norm, a
        power) are refused with ``popmean <= 0`` (and non-positive ones with
        ``popmean >= 0``): their mean differs from it even for pure noise.
        Test them one-sided against the level they take under the null
        hypothesis instead, e.g. ``tail=1, popmean=level`` with ``level``
        measured on label-permuted decoders or before the stimulus.
    n_permutations : int | 'all'
        Number of sign-flip permutations for ``'cluster'`` (ignored by
        ``'fdr'``). When it is at least the number of possible sign flips
        the test is exact.
    threshold : float | dict | None
        Cluster-forming threshold on the t values for ``'cluster'``, passed
        to :func:`mne.stats.spatio_temporal_cluster_1samp_test`. None uses
        MNE's default: the t value of p < 0.05 (two-sided when ``tail=0``)
        with ``n_subjects - 1`` degrees of freedom. A dict such as
        ``dict(start=0, step=0.2)`` runs TFCE.
    seed : None | int | numpy.random.Generator
        Seed of the permutations; the same seed gives the same mask.
    ch_type : str | None
        The channel type to test when ``info`` holds several, e.g.
        ``'eeg'``, ``'mag'`` or ``'grad'``. None uses every channel of
        ``info``; ``'cluster'`` then needs a single channel type.
    n_jobs : int | None
        Number of jobs for the permutations (see :func:`mne.parallel`).
    verbose : bool | str | int | None
        Control verbosity of the logging output (see :func:`mne.verbose`).

    Returns
    -------
    mask : array of bool, shape (n_times, n_channels)
        True where the effect is significant.

    Notes
    -----
    The statistic is the one-sample t value ``mean / (std / sqrt(n))``.
    Cells whose values are identical across subjects have no variance to
    test and get t = 0, so a flat channel (e.g. the reference) is never
    marked instead of producing NaN.

    With ``'cluster'``, significance belongs to clusters, not to single
    cells: a marked cell says "part of a significant spatio-temporal
    cluster", not "significant at this channel and time".
    """
    method = check_option("method", method, ("cluster", "fdr"))
    samples = _check_samples(samples)
    alpha = _check_alpha(alpha)
    tail = check_option("tail", tail, (-1, 0, 1))
    popmean = check_real("popmean", popmean)
    info = _pick_info(info, ch_type, n_channels=samples.shape[2])
    check_finite("samples", samples, ch_names=info["ch_names"])
    side = one_sided_data(samples, popmean)
    if side is not None:
        tail_hint, where = (1, "above") if side == "non-negative" else (-1, "below")
        raise ValueError(
            f"samples are {side} everywhere (e.g. made with np.abs, a norm or a "
            f"power), so testing them against popmean={popmean:g} marks pure "
            f"noise as significant: their mean lies {where} it whatever the "
            f"data. Test a signed quantity, or state the level they take under "
            f"the null hypothesis and test one-sided {where} it: tail="
            f"{tail_hint}, popmean=<null level> (measured e.g. on "
            f"label-permuted decoders or before the stimulus)."
        )
    centred = samples - popmean
    if method == "fdr":
        mask, _ = mne.stats.fdr_correction(_t_p_values(centred, tail), alpha=alpha)
        ran = "t-tests with FDR correction"
    else:
        n_permutations = _check_n_permutations(n_permutations)
        unreachable = (
            f"With {{n}} subjects and n_permutations={n_permutations}, the smallest "
            f"p-value the cluster permutation test can reach is {{p:.3g}}, not below "
            f"alpha={alpha}: no cluster can be significant. Use at least {{needed}} "
            f"subjects and n_permutations > {int(1 / alpha)}, or method='fdr'."
        )
        mask, threshold, clusters, cluster_p = cluster_significance(
            centred, alpha=alpha, tail=tail, threshold=threshold, seed=seed,
            n_permutations=n_permutations, unreachable=unreachable,
            adjacency=_channel_adjacency(info), n_jobs=n_jobs,
        )  # fmt: skip
        tfce = isinstance(threshold, dict)
        forming = "TFCE" if tfce else f"threshold t={threshold:.3g}"
        ran = (
            f"a cluster permutation test ({forming}, n_permutations={n_permutations}; "
            f"{int(np.sum(cluster_p < alpha))} of {len(clusters)} clusters p < {alpha})"
        )
    n_subjects, n_times, n_channels = samples.shape
    logger.info(
        f"significance_mask: {ran} across {n_subjects} subjects ({n_times} times "
        f"x {n_channels} channels, tail={tail}, alpha={alpha}): {mask.sum()} of "
        f"{mask.size} (time, channel) cells marked."
    )
    return mask


def _check_samples(samples):
    samples = as_float_array("samples", samples, "an array of real numbers")
    if samples.ndim != 3:
        hint = {
            4: "; if the axes are (n_subjects, n_folds, n_times, n_channels), "
            "average the folds first: samples.mean(axis=1)",
            2: "; a group test needs one map per subject: stack them as "
            "np.stack(per_subject_maps)",
        }.get(samples.ndim, "")
        raise ValueError("samples must be 3-D with shape (n_subjects, n_times, "
                         f"n_channels), got shape {samples.shape}{hint}.")  # fmt: skip
    if samples.shape[0] < 2:
        raise ValueError(
            "samples must hold at least 2 subjects for a one-sample test across "
            f"subjects, got {samples.shape[0]} (shape {samples.shape}). A group "
            "test needs several subjects: with alpha=0.05 the two-sided cluster "
            "permutation test can only reach significance from "
            f"{_subjects_needed(0.05, 0)} subjects on; 10 or more is typical."
        )
    return samples


def _pick_info(info, ch_type, n_channels):
    """Return ``info`` restricted to ``ch_type``, checked against the samples."""
    check_type("info", info, mne.Info, "an instance of mne.Info")
    types = info.get_channel_types()
    if ch_type is not None:
        check_type("ch_type", ch_type, str, "a str or None")
        check_option("ch_type", ch_type, tuple(dict.fromkeys(types)))
        info = mne.pick_info(info, [i for i, t in enumerate(types) if t == ch_type])
    if len(info["ch_names"]) != n_channels:
        which = f" of type {ch_type!r}" if ch_type is not None else ""
        raise ValueError(
            f"samples has {n_channels} channels (last axis) but info has "
            f"{len(info['ch_names'])} channels{which}; pass the Info of the data "
            "the decoders were trained on, picked to the same channels "
            "(e.g. info = mne.pick_info(info, picks))."
        )
    return info


def _channel_adjacency(info):
    """Sparse channel adjacency, rows in the order of ``info['ch_names']``."""
    if len(set(info.get_channel_types())) > 1:
        raise ValueError(
            "method='cluster' needs channels of a single type, but info holds "
            f"{sorted(set(info.get_channel_types()))}; pass ch_type (e.g. "
            "ch_type='eeg') with samples of those channels only."
        )
    locs = np.array([ch["loc"][:3] for ch in info["chs"]])
    unplaced = ~np.isfinite(locs).all(axis=1) | ~locs.any(axis=1)
    if unplaced.any():
        names = [info["ch_names"][i] for i in np.flatnonzero(unplaced)[:10]]
        raise ValueError(
            f"method='cluster' needs channel positions to find neighbours, but "
            f"{unplaced.sum()} channel(s) have none ({', '.join(names)}); set a "
            "montage (info.set_montage(...)) or use method='fdr'."
        )
    adjacency, adj_names = mne.channels.find_ch_adjacency(info, None)
    missing = [name for name in info["ch_names"] if name not in adj_names]
    if missing:
        raise ValueError(
            f"The channel adjacency found by MNE lacks {len(missing)} channel(s) "
            f"of info ({', '.join(missing[:10])}); use method='fdr', or rename "
            "the channels to match MNE's adjacency template."
        )
    order = [adj_names.index(name) for name in info["ch_names"]]
    # templates may list more channels than info has, in another order
    return adjacency[order][:, order]


MASK_METHODS = ("cluster", "fdr")
MASK_SETTINGS = (
    "method", "alpha", "tail", "popmean", "threshold", "n_permutations", "seed",
)  # fmt: skip


def resolve_masks(mask, panels, sensors, time_sel, *, alpha, seed):
    """Return the masks of the frames shown, (n_panels, n_shown, n_channels), or None.

    ``mask`` as in :func:`mne_coefanim.animate_coefs`; ``panels`` aligned
    with ``sensors`` (whose Info gives the adjacency); ``alpha`` and
    ``seed`` are the defaults of settings ``mask`` does not give.
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
    if set(map(str, mask)) - set(MASK_SETTINGS) or "method" not in mask:
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
    method = settings["method"]
    refuse_untestable(panel, f"mask={method!r}", dict(
        act="test", noise="tested against 0 even pure noise comes out significant",
        hints=("Pass coef_params=dict(class_idx=...) to test one class's signed "
               "pattern, or a boolean mask computed elsewhere.",
               "Test the magnetometers (ch_type='mag'), or pass a boolean mask "
               "computed elsewhere."),
        aligned=aligned_test_refusal(f"mask={method!r}"), across="tests",
        instead=", or a boolean mask of shape (n_times, n_channels) computed "
        "elsewhere (e.g. from a permutation test within this subject)",
    ))  # fmt: skip
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


def row_masks(mask, alpha, axis, n_panels):
    """Return ``mask`` and ``alpha`` for the rows of maps, one per frequency.

    A boolean mask of shape ``(n_freqs, n_times, n_channels)`` gives one
    mask per frequency of the data: it is put in the panels' order. A test
    (``'cluster'``, ``'fdr'`` or a dict) runs on each row of maps on its own
    (over all channels and times), so that without a correction the chance
    of markers somewhere on null data would grow with the number of rows.
    Each row is tested at ``alpha / n_freqs`` (Bonferroni), counting every
    frequency of the data (as the test covers all times whatever
    ``tmin``/``tmax`` show, the markers do not change with
    ``fmin``/``fmax``), which keeps that chance at most ``alpha``.
    """
    if axis is None or mask is None:
        return mask, alpha
    if isinstance(mask, str | dict):
        if axis.n_freqs == 1:
            return mask, alpha
        given = mask.get("alpha", alpha) if isinstance(mask, dict) else alpha
        corrected = _check_alpha(given) / axis.n_freqs
        logger.info(
            f"Significance markers: each of the {axis.n_freqs} frequency rows is "
            f"tested across subjects at alpha = {given:g} / {axis.n_freqs} = "
            f"{corrected:.4g} (Bonferroni across frequencies)."
        )
        if isinstance(mask, dict) and "alpha" in mask:
            return {**mask, "alpha": corrected}, alpha
        return mask, corrected
    values = np.asarray(mask)
    if values.ndim != 3:
        return mask, alpha  # (n_times, n_channels): every row (or refused)
    if len(values) != axis.n_freqs:
        raise ValueError(
            f"with freqs, mask must have shape (n_times, n_channels) (the same "
            f"for every row) or (n_freqs, n_times, n_channels) with n_freqs = "
            f"{axis.n_freqs}; got {values.shape}."
        )
    n_cols = n_panels // len(axis.selected)
    return values[[k for k in axis.selected[::-1] for _ in range(n_cols)]], alpha


def check_mask_dim(mask_dim, masks):
    """Return ``mask_dim`` checked (None: no dimming), given the masks."""
    if mask_dim is None:
        return None
    if masks is None:
        raise ValueError("mask_params['dim'] needs a mask: pass mask= as well.")
    value = check_real("mask_params['dim']", mask_dim)
    if not 0 < value <= 1:
        raise ValueError(f"mask_params['dim'] must be in (0, 1]; got {mask_dim}.")
    return value
