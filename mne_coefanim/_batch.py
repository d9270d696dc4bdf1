"""Render one animation per subject or condition, in parallel with joblib.

Everything is validated in the calling process before any job starts (an
existing output file fails at once, not after an hour of rendering). Each
job then builds its animation, saves it and closes its figure. Rendering is
deterministic, so the files are byte-identical whatever ``n_jobs`` and
whichever backend ran them.
"""

import inspect
import os
from numbers import Integral

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from mne.utils import logger, use_log_level, verbose

from ._api import animate_coefs
from ._checks import check_type, one_core, progress, quiet_progress
from ._docs import fill_doc
from ._params import DEPRECATED
from .io._viewer import SUFFIXES, fill_formats
from .io._writers import check_output


@verbose
@fill_formats
@fill_doc
def save_animations(
    items, fnames, *, n_jobs=None, overwrite=False, verbose=None, **kwargs
):
    """Render and save one animation per item (subject, condition, ...).

    Parameters
    ----------
    items : list | tuple | dict
        What to animate, one entry per animation: anything
        :func:`~mne_coefanim.animate_coefs` accepts as ``data``, e.g. one
        array ``(n_folds, n_times, n_channels)`` per subject (pass
        ``list(coefs)`` for an array with subjects first), one
        :class:`mne.Evoked` per condition, or a dict of panels. A dict maps
        a name (used in ``fnames``) to each entry.
    fnames : str | path-like | list of path-like
        The output files (%(output_formats)s): one
        per item, or a pattern formatted for each item with ``{name}`` (the
        dict key; for a list, the index) and ``{index}`` (0, 1, ...), e.g.
        ``'sub-{name}_patterns.gif'`` or ``'anim_{index:02d}.gif'``.
    %(n_jobs)s
    %(overwrite)s
    verbose : bool | str | int | None
        Control the verbosity of the logging output; None uses MNE's level
        (see :func:`mne.set_log_level`). At a terminal, one progress bar
        counts the animations written.
    **kwargs
        Passed to :func:`~mne_coefanim.animate_coefs` for every item: at
        least ``info`` for arrays, usually ``times`` and ``dims``, and any
        option (``fps``, ``dpi``, ``res``, ...). ``show`` is always False.
        Without a ``title``, the animations of a dict are titled by its keys.
        Each animation gets its own colour scale unless ``vlim`` is given:
        pass a common ``vlim`` to compare subjects.

    Returns
    -------
    fnames : list of pathlib.Path
        The written files, in the order of ``items``.

    Notes
    -----
    Jobs run on :mod:`joblib`, MNE's convention for ``n_jobs``: the number
    of cores, each job on one (a GIF's compression runs in the job's own
    thread, where a lone ``anim.save(...)`` uses a second core for
    it). With joblib's default backend (loky), the jobs run in fresh worker
    processes, which draw with matplotlib's Agg backend; they are never
    forks of this process (which may hold threads and a GUI), and joblib
    keeps them for later calls, so only the first call waits for them to
    import matplotlib, SciPy and MNE. With the ``'threading'`` backend
    (``joblib.parallel_config(backend='threading')``), the jobs run in
    this process, one thread each; matplotlib's pyplot is not thread-safe,
    so prefer processes. A failing job raises its error here; the files
    already written are complete (each is written atomically) and stay.

    To spread the jobs over a `dask <https://distributed.dask.org>`__
    cluster (needs the ``distributed`` package), run the same call in a
    joblib block; each dask worker renders and writes its files, so the
    output folder must be one the workers can reach (e.g. a shared file
    system)::

        import joblib
        from dask.distributed import Client

        client = Client()  # or Client("tcp://scheduler:8786")
        with joblib.parallel_config(backend="dask"):
            save_animations(items, "{name}.gif", info=info, times=times)

    Use worker processes with one thread each (matplotlib's pyplot is not
    thread-safe), e.g. ``Client(processes=True, threads_per_worker=1)``.
    """
    names, datas = _split_items(items)
    paths = _output_paths(fnames, names, overwrite)
    _check_kwargs(kwargs)
    n_jobs = _check_n_jobs(n_jobs)
    logger.info(f"Saving {len(paths)} animations")
    titled = isinstance(items, dict) and "title" not in kwargs  # by the dict's keys
    job_kwargs = [{**kwargs, "title": name} if titled else kwargs for name in names]
    results = _run_jobs(datas, paths, job_kwargs, n_jobs=n_jobs,
                        overwrite=overwrite)  # fmt: skip
    written = list(progress(results, total=len(paths), desc="animations"))
    logger.info(f"Saved {len(written)} animations")
    return written


# -- validation ---------------------------------------------------------------


def _split_items(items):
    """Return the names and data of ``items``."""
    if isinstance(items, np.ndarray):
        raise TypeError(
            "items must be a list or dict with one entry per animation; got an "
            f"array of shape {items.shape}. For one animation per entry of the "
            "first axis (e.g. subjects) pass list(items)."
        )
    check_type("items", items, (list, tuple, dict),
               "a list, tuple or dict with one entry per animation")  # fmt: skip
    if not len(items):
        raise ValueError("items must not be empty; give at least one entry.")
    if isinstance(items, dict):
        return [str(name) for name in items], list(items.values())
    return [str(index) for index in range(len(items))], list(items)


def _output_paths(fnames, names, overwrite):
    """Return one checked output path per item."""
    if isinstance(fnames, str | os.PathLike):
        fnames = _format_fnames(os.fspath(fnames), names)
    else:
        check_type("fnames", fnames, (list, tuple),
                   "a str pattern or a list of path-like")  # fmt: skip
        if len(fnames) != len(names):
            raise ValueError(
                f"fnames must have one file per item: got {len(fnames)} "
                f"file name(s) for {len(names)} item(s)."
            )
    # absolute: joblib's worker processes may live in another working folder
    paths = [
        check_output(fname, allowed=SUFFIXES, overwrite=overwrite)[0].absolute()
        for fname in fnames
    ]
    seen = {}
    for name, path in zip(names, paths, strict=True):
        key = os.path.normcase(os.path.abspath(path))
        if key in seen:
            raise ValueError(
                f"fnames gives the same file {str(path)!r} to items {seen[key]!r} "
                f"and {name!r}; every animation needs its own file."
            )
        seen[key] = name
    return paths


def _format_fnames(pattern, names):
    """Format ``pattern`` with each item's name and index."""
    if "{" not in pattern:
        raise ValueError(
            f"fnames must contain {{name}} or {{index}} so that each animation "
            f"gets its own file; got {pattern!r}. E.g. 'sub-{{name}}.gif', or "
            "pass a list of file names."
        )
    try:
        return [pattern.format(name=name, index=k) for k, name in enumerate(names)]
    except (KeyError, IndexError, ValueError) as err:
        raise ValueError(
            f"fnames {pattern!r} is not a valid pattern ({type(err).__name__}: "
            f"{err}); it may use only the fields {{name}} and {{index}}."
        ) from None


def _check_kwargs(kwargs):
    """Reject, before any job starts, what animate_coefs would reject by name."""
    if "show" in kwargs:  # save_animations sets it itself
        raise TypeError(
            "save_animations does not take 'show': animations are saved, never "
            "shown. Remove it."
        )
    try:  # the names deprecated in 0.2 pass (animate_coefs warns for them)
        inspect.signature(animate_coefs).bind(
            None, **{k: v for k, v in kwargs.items() if k not in DEPRECATED}
        )
    except TypeError as err:
        raise TypeError(
            f"save_animations passes its keyword arguments to animate_coefs, "
            f"which refused them: {err}."
        ) from None


def _check_n_jobs(n_jobs):
    if n_jobs is None:
        return None
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, Integral):
        raise TypeError(f"n_jobs must be an int or None; got {type(n_jobs).__name__}.")
    if n_jobs == 0:
        raise ValueError(
            "n_jobs must be a positive number of jobs, -1 for all cores, or "
            "None; got 0."
        )
    return int(n_jobs)


# -- jobs ---------------------------------------------------------------------


def _run_jobs(datas, paths, job_kwargs, *, n_jobs, overwrite):
    """Return a generator of the written paths, in order, as jobs finish."""
    # workers log at the caller's level, as MNE's parallel_func does
    args = [(data, path, overwrite, kwargs, logger.level, os.getpid())
            for data, path, kwargs in zip(datas, paths, job_kwargs,
                                          strict=True)]  # fmt: skip
    try:
        import joblib
    except ImportError:
        if n_jobs not in (None, 1):
            raise ImportError(
                f"n_jobs={n_jobs} needs joblib (pip install joblib); or pass "
                "n_jobs=None to render the animations one after another."
            ) from None
        return (_render_and_save(*arg) for arg in args)
    # joblib's backend, as chosen by the user (parallel_config): loky's
    # workers are fresh processes (never forks of this one)
    parallel = joblib.Parallel(n_jobs=n_jobs, return_as="generator")
    return parallel(joblib.delayed(_render_and_save)(*arg) for arg in args)


def _render_and_save(data, path, overwrite, kwargs, log_level, parent_pid):
    """Build one animation, save it and close its figure (runs in a job)."""
    if os.getpid() != parent_pid and not plt.get_fignums():
        # a worker process: nothing is shown, and a GUI backend would only
        # open hidden windows
        matplotlib.use("Agg")
    # one bar for the whole batch, in the caller, instead of one per job;
    # each job on one core (n_jobs counts cores, as in MNE): no threads
    with use_log_level(log_level), quiet_progress(), one_core():
        anim = animate_coefs(data, show=False, **kwargs)
        try:
            return anim.save(path, overwrite=overwrite)
        finally:
            plt.close(anim.fig)
