"""Descriptions of the data, sensor and map parameters (see :mod:`._docs`)."""

docdict = {}

docdict["data"] = """
data : array | estimator | list of estimators | Evoked | CoefData | dict
    What to animate:

    - an array ``(n_times, n_channels)``, or the 4-D layout
      ``(n_subjects, n_folds, n_times, n_channels)`` (other axis orders
      are named with ``dims``); subjects and folds are averaged;
    - a fitted :class:`mne.decoding.SlidingEstimator` or
      :class:`~mne.decoding.GeneralizingEstimator` whose pipeline ends in
      :class:`~mne.decoding.LinearModel`, or a list of them (one per
      cross-validation fold);
    - an :class:`mne.Evoked` (e.g. patterns in an ``EvokedArray``);
    - a fitted :class:`mne.decoding.CSP` (or a pipeline starting with
      one): one static map per component (see ``components``); a list of
      CSPs fitted on successive time windows, animated at the window
      centres given as ``times``; or a list (windows) of lists (folds);
    - a :class:`pandas.DataFrame` with one column per channel, named, and
      the times (s) as its index, or an xarray-like object whose dims and
      coordinates name the axes, channels and times (channels matched
      to ``info`` by name); a masked array is refused;
    - a dict ``{panel title: any of the above}`` to show several panels
      side by side, in sync and on one colour scale (or one scale per
      panel with ``vlim='each'``).
"""

docdict["info"] = """
info : mne.Info | mne.channels.DigMontage | array, shape (n_channels, 2) | None
    Where the channels are. None takes the Info of an Evoked. An array
    holds 2-D positions, y towards the nose, in any unit: metres around
    the head centre (MNE's convention, head radius 0.095 m) are used as
    they are, centimetres and millimetres are converted, and anything
    else (pixels, a 0-1 layout such as ``Layout.pos[:, :2]``) is centred
    and scaled so its farthest sensor lies on the head circle (logged;
    see :func:`resolve_sensors`). Give ``sphere`` in the positions' units
    to keep them exactly as given.
"""

docdict["times"] = """
times : array, shape (n_times,) | None
    The time of each sample of an array, in seconds (shared by all
    panels). A DataFrame's index or an xarray-like time coordinate gives
    its own times; ``times`` given as well must equal them.
"""

docdict["dims"] = """
dims : tuple of str | str | None
    Axis names of an array, from ``'subjects'``, ``'folds'``,
    ``'times'``, ``'channels'`` or MNE's singular ``'subject'``,
    ``'fold'``, ``'time'``, ``'channel'``, as a tuple or a
    comma-separated str (``'fold, time, channel'``); ``'freqs'`` (or
    ``'freq'``) names a frequency axis, shown as rows (see ``freqs``).
    MNE's own arrays are ``(n_channels, n_times)`` (``Evoked.data``,
    ``get_coef``): pass ``dims=('channels', 'times')`` (or ``data.T``).
    A DataFrame or xarray-like object names its axes itself. None reads a
    3-D array as ``('subjects', 'times', 'channels')`` and a 4-D one as
    ``('subjects', 'folds', 'times', 'channels')``, and logs it: the mean
    is the same whichever axis holds folds, but a test across the first
    axis (``mask``, ``consistency``, ``score_stats`` with 2-D scores) is
    refused until the axes are named, as it could hold folds.
"""

docdict["transform"] = """
transform : None | 'abs' | 'zscore'
    Applied after averaging over subjects and folds.
"""

docdict["attr"] = """
attr : ``'patterns_'`` | ``'filters_'``
    What to take from a fitted estimator (patterns are interpretable as
    brain activity; filters are not).
"""

docdict["class_idx"] = """
class_idx : int | None
    For multi-class estimators, the class to show; None shows the norm
    across classes, taken after averaging over folds and subjects (it is
    non-negative, so ``mask`` cannot test it).
"""

docdict["class_names"] = """
class_names : list of str | None
    The decoder's classes, named in the order of its ``classes_`` (e.g.
    ``['left', 'right']`` for event codes ``[1, 2]``): the colour bar then
    says which class positive values point to, e.g. "µV / SD (positive:
    right)". For a binary classifier that is ``classes_[1]`` (as
    scikit-learn's ``decision_function``), for one row of a multi-class one
    its class ``class_idx`` (against the rest). None names them by the
    estimator's ``classes_`` when data holds fitted classifiers, and says
    nothing otherwise. For values rather than estimators (arrays, an Evoked
    of patterns) give the two classes of the binary decoder that made them:
    the second is positive. Refused where values have no class sign (a CSP
    component, a norm across classes, ``transform='abs'``, aligned signs, a
    regressor).
"""

docdict["train_time"] = """
train_time : float | None
    For a generalizing estimator, the training time to show instead of
    the diagonal.
"""

docdict["normalize_patterns"] = """
normalize_patterns : bool
    For estimators' patterns. False (default): ``Σx W`` as
    :class:`~mne.decoding.LinearModel` stores them, whose size follows the
    weights' scale (the regularisation, the subject), labelled ``'a.u.'``.
    True: Haufe's ``Σx W (Wᵀ Σx W)⁻¹`` for decoder outputs standardised to
    unit variance, in data units (µV for EEG) per standard deviation of
    the decoder output, the same whatever the weights' scale: use it to
    compare or average subjects.
"""

docdict["components"] = """
components : int | list of int | None
    For CSP inputs (:class:`mne.decoding.CSP`): which components to show,
    0-based rows of ``patterns_`` (or ``filters_``), each as its own panel
    titled ``'CSP 1'``, ``'CSP 2'``, ... (index + 1). None (default) shows
    the first ``n_components`` the CSP was fitted with (those its
    ``transform`` uses). Giving it for data without a CSP is an error.
"""

docdict["align_signs"] = """
align_signs : bool | 'per_time'
    For decoders whose sign is arbitrary (CSP, PCA-based, eigenvectors),
    where averaging cancels maps whose sign flipped between subjects or
    folds. True flips, before any averaging, each subject's (or fold's)
    maps ONCE for its whole time course: by the sign of its projection on
    the group's leading spatio-temporal pattern (the first right singular
    vector of all samples, each flattened over times and channels,
    uncentred), oriented so that most samples keep their sign, and on a
    tie (e.g. 8 subjects against 8) so that the first sample keeps it. The
    group map then changes sign between frames only where the samples'
    own maps do, and data without sign problems are left untouched. The
    number of subjects (folds) flipped is logged. ``'per_time'`` is for
    samples whose sign is arbitrary at every time point (e.g. a
    decomposition refitted at each time): each time point (and class) is
    aligned on its own, then each time flipped as a whole to agree with the
    previous one; it CAN FLIP THE GROUP MAP'S POLARITY BETWEEN FRAMES where
    the group pattern is weak (e.g. before the stimulus), removes real
    polarity reversals, and inflates noise: with no flips at all, the
    pre-stimulus RMS of the group map relative to its peak grows 1.4x (True:
    unchanged). Lists of CSPs on time windows get their folds aligned per
    window, then each window aligned to the previous one. Alignment is wrong
    when the population holds two opposite patterns (e.g. half the subjects
    truly show the reverse effect): it makes them agree and shows one
    pattern that nobody's sign supports. On pure noise it makes the subjects
    agree with their own leading noise pattern (True: the group map's RMS
    grows about 1.06x; ``'per_time'``: 1.4x), so ``mask='cluster' |
    'fdr'`` and ``consistency`` refuse to test aligned samples against 0 (on
    simulated null studies, FDR marked some cell in 6 of 40 after
    alignment, 19 of 40 per time, 1 of 40 without). ``transform='abs'`` may
    be combined with it (it applies to the aligned average). False
    (default): signs are used as given.
"""

docdict["ch_type"] = """
ch_type : str | None
    The channel type to show (needed when ``info`` has several).
"""

docdict["picks"] = """
picks : str | list | slice | None
    Channels to use, as in MNE.
"""

docdict["exclude"] = """
exclude : 'bads' | list of str
    Channels to leave out when ``picks`` is None; default the bads.
"""

docdict["sphere"] = """
sphere : None | float | array, shape (4,) | 'auto' | 'eeglab'
    The head sphere, as in :func:`mne.viz.plot_topomap`, in the unit of
    the channels' positions (metres for an Info). It must be a plausible
    head for the channels shown: the farthest channel must lie 0.1 to 10
    head radii from its centre on the map (a cap reaches about 0.3 to
    1.6), else a ValueError says so before anything is drawn (e.g.
    ``sphere=9.5`` for positions in metres).
"""

docdict["tmin"] = """
tmin, tmax : float | None
    Animate only the frames in this time range (seconds, inclusive).
"""

docdict["freqs"] = """
freqs : array-like, shape (n_freqs,) | (n_freqs, 2) | None
    The frequency (Hz) of each entry of the data's frequency axis, or the
    ``(low, high)`` edges of each band, in increasing order. The axis is
    named ``'freqs'`` (or ``'freq'``) in ``dims``, or is the second axis of
    the ``(n_channels, n_freqs)`` features that a fitted decoder's
    :class:`~mne.decoding.Vectorizer` saw (epochs data of shape
    ``(n_epochs, n_channels, n_freqs, n_times)``); an xarray-like object's
    frequency coordinate gives them (``freqs`` given too must equal it).
    Each frequency becomes a row of maps titled by its frequency (e.g.
    ``'10 Hz'``, ``'8–12 Hz'``), the highest on top, on one colour scale;
    a dict's entries are the columns. A decoder's
    coefficients are read for all features at once and then split, and
    ``transform`` applies to each frequency's maps (``'zscore'``: across
    the channels of one frequency). ``scores`` of shape ``(n_freqs,
    n_times)`` are drawn as a time-frequency map (see ``score_matrix``).
    None (default): the data has no frequency axis (giving one is then an
    error).
"""

docdict["fmin"] = """
fmin, fmax : float | None
    Show only the frequencies in this range (Hz, inclusive; bands only
    when they lie entirely within it), as ``tmin``/``tmax`` do for times;
    the time-frequency score map keeps the same rows. None (default):
    no limit. They need ``freqs``.
"""

docdict["image_interp"] = """
image_interp : 'cubic' | 'linear' | 'nearest'
    Interpolation between sensors, as in :func:`mne.viz.plot_topomap`.
"""

docdict["extrapolate"] = """
extrapolate : 'auto' | 'head' | 'local' | 'box'
    Extrapolation beyond the sensors, as in MNE.
"""

docdict["border"] = """
border : 'mean' | float
    Value of the extrapolation points, as in MNE.
"""

docdict["res"] = """
res : int
    Pixels along each side of the interpolated image. The default, 256,
    is finer than MNE's 64 because an animation is watched at its full
    size; it costs little here.
"""

docdict["extrapolated"] = """
extrapolated : 'show' | 'fade' | 'hide'
    How to draw the map outside the convex hull of the sensors, where
    its values are extrapolated, not measured. ``'show'`` (default)
    draws it like the rest, as MNE does; ``'fade'`` lightens it toward
    white (by ``mask_dim`` if given, else 0.6; the map then uses half as
    many colour levels); ``'hide'`` leaves it blank. In every output.
"""
