import os
import sys
import threading

import matplotlib.pyplot as plt
import numpy as np
import pytest
from conftest import (
    GifEncoderThreads,
    make_info,
    save_with_both_cores,
    small_animation,
)
from PIL import Image

from mne_coefanim import _checks
from mne_coefanim._batch import save_animations
from mne_coefanim.io._gif import FRAMES_PER_JOB

N_FRAMES, N_CHANNELS = 6, 32
SMALL = dict(res=32, dpi=40)


@pytest.fixture(scope="module")
def study():
    """Three subjects of (n_folds, n_times, n_channels) coefficients."""
    rng = np.random.default_rng(0)
    subjects = [rng.standard_normal((2, N_FRAMES, N_CHANNELS)) for _ in range(3)]
    kwargs = dict(
        info=make_info(n_channels=N_CHANNELS),
        times=np.arange(N_FRAMES) / 100.0,
        dims=("folds", "times", "channels"),
        **SMALL,
    )
    return subjects, kwargs


def _n_frames(path):
    with Image.open(path) as gif:
        return gif.n_frames


@pytest.mark.slow  # starts two worker processes
def test_identical_whatever_n_jobs(study, tmp_path, monkeypatch):
    subjects, kwargs = study

    def no_fork():
        raise AssertionError("a fork of a process with threads and matplotlib")

    monkeypatch.setattr(os, "fork", no_fork)  # joblib's loky: fresh processes
    # two worker processes, one subject each
    serial = save_animations(subjects[:2], tmp_path / "serial_{index}.gif", **kwargs)
    parallel = save_animations(
        subjects[:2], tmp_path / "parallel_{index}.gif", n_jobs=2, **kwargs
    )
    assert [p.name for p in serial] == ["serial_0.gif", "serial_1.gif"]
    assert [p.name for p in parallel] == ["parallel_0.gif", "parallel_1.gif"]
    for one, two in zip(serial, parallel, strict=True):
        assert one.read_bytes() == two.read_bytes()
        assert _n_frames(one) == N_FRAMES
    # the subjects differ, so each file holds its own animation
    assert serial[0].read_bytes() != serial[1].read_bytes()
    assert plt.get_fignums() == []  # every job closed its figure


def test_dict_names_and_kwargs(study, tmp_path):
    subjects, kwargs = study
    items = {"sub-01": subjects[0], "sub-02": subjects[1]}
    paths = save_animations(items, str(tmp_path / "{name}_{index:02d}.gif"),
                            tmin=0.02, fps=5, **kwargs)  # fmt: skip
    assert [p.name for p in paths] == ["sub-01_00.gif", "sub-02_01.gif"]
    with Image.open(paths[0]) as gif:
        assert gif.n_frames == N_FRAMES - 2  # tmin reached animate_coefs
        assert gif.info["duration"] == 200  # and so did fps


def test_dict_keys_are_titles(study, tmp_path):
    subjects, kwargs = study
    same = {"sub-01": subjects[0], "sub-02": subjects[0]}  # only the key differs
    titled = save_animations(same, tmp_path / "a{index}.gif", **kwargs)
    assert titled[0].read_bytes() != titled[1].read_bytes()
    fixed = save_animations(same, tmp_path / "b{index}.gif", title="S", **kwargs)
    assert fixed[0].read_bytes() == fixed[1].read_bytes()


def test_list_of_fnames_and_overwrite(study, tmp_path):
    subjects, kwargs = study
    fnames = [tmp_path / "a.gif", tmp_path / "b.html"]
    paths = save_animations(subjects[:2], fnames, **kwargs)
    assert paths == fnames
    assert paths[1].read_text().startswith("<!DOCTYPE html>")
    # an existing output fails before anything is rendered
    (tmp_path / "c.gif").write_bytes(b"old")
    with pytest.raises(FileExistsError, match="c.gif' exists; pass overwrite=True"):
        save_animations(subjects[:2], [tmp_path / "new.gif", tmp_path / "c.gif"],
                        **kwargs)  # fmt: skip
    assert not (tmp_path / "new.gif").exists()
    assert (tmp_path / "c.gif").read_bytes() == b"old"
    save_animations(subjects[:1], [tmp_path / "c.gif"], overwrite=True, **kwargs)
    assert _n_frames(tmp_path / "c.gif") == N_FRAMES


def test_one_bar_for_the_batch(study, tmp_path, capsys, monkeypatch):
    subjects, kwargs = study
    monkeypatch.setattr(_checks, "stderr_is_tty", lambda: True)
    save_animations(subjects[:2], tmp_path / "s{index}.gif", **kwargs)
    err = capsys.readouterr().err
    assert "2/2" in err and "animations" in err
    assert "s0.gif" not in err  # no bar per animation inside the jobs
    save_animations(subjects[:1], tmp_path / "t{index}.gif", verbose=False, **kwargs)
    assert capsys.readouterr().err == ""


def test_without_joblib(study, tmp_path, monkeypatch):
    subjects, kwargs = study
    monkeypatch.setitem(sys.modules, "joblib", None)  # import joblib fails
    paths = save_animations(subjects[:1], tmp_path / "x{index}.gif", **kwargs)
    assert _n_frames(paths[0]) == N_FRAMES
    with pytest.raises(ImportError, match="n_jobs=2 needs joblib"):
        save_animations(subjects[:1], tmp_path / "y{index}.gif", n_jobs=2, **kwargs)


def test_errors(study, tmp_path):
    subjects, kwargs = study
    out = str(tmp_path / "{index}.gif")
    with pytest.raises(TypeError, match=r"got an array of shape \(3, 2, 6, 32\)"):
        save_animations(np.stack(subjects), out, **kwargs)
    with pytest.raises(TypeError, match="items must be a list, tuple or dict"):
        save_animations("sub-01.npy", out, **kwargs)
    with pytest.raises(TypeError, match="items must be a list, tuple or dict"):
        save_animations(iter(subjects), out, **kwargs)
    with pytest.raises(ValueError, match="items must not be empty"):
        save_animations([], out, **kwargs)
    with pytest.raises(ValueError, match="got 1 file name.* for 3 item"):
        save_animations(subjects, [tmp_path / "a.gif"], **kwargs)
    with pytest.raises(TypeError, match="fnames must be a str pattern or a list"):
        save_animations(subjects, 3, **kwargs)
    with pytest.raises(ValueError, match=r"must contain \{name\} or \{index\}"):
        save_animations(subjects, tmp_path / "same.gif", **kwargs)
    with pytest.raises(ValueError, match=r"only the fields \{name\} and \{index\}"):
        save_animations(subjects, tmp_path / "{subject}.gif", **kwargs)
    with pytest.raises(ValueError, match="same file .* to items '0' and '1'"):
        save_animations(subjects[:2], [tmp_path / "a.gif"] * 2, **kwargs)
    with pytest.raises(ValueError, match="fname must end in one of"):
        save_animations(subjects, tmp_path / "{index}.png", **kwargs)
    with pytest.raises(TypeError, match="does not take 'show'"):
        save_animations(subjects, out, show=True, **kwargs)
    with pytest.raises(TypeError, match="refused them: .*'colour'"):
        save_animations(subjects, out, colour="red", **kwargs)
    with pytest.raises(ValueError, match="n_jobs must be a positive number"):
        save_animations(subjects, out, n_jobs=0, **kwargs)
    with pytest.raises(TypeError, match="n_jobs must be an int or None; got float"):
        save_animations(subjects, out, n_jobs=1.5, **kwargs)
    assert list(tmp_path.iterdir()) == []  # nothing was rendered


def _local_cluster(distributed, attempts=3):
    """Two worker processes; a start-up that times out on a busy machine is retried.

    (Under load, a worker can take longer than dask's start-up allows:
    "Cluster closed without starting up". That is the machine, not the code
    under test, which runs only once the cluster is up.)
    """
    import dask

    for attempt in range(attempts):
        try:
            with dask.config.set({"distributed.comm.timeouts.connect": "120s"}):
                return distributed.LocalCluster(
                    n_workers=2, threads_per_worker=1, processes=True,
                    dashboard_address=":0", silence_logs=40,  # any free port
                )  # fmt: skip
        except (RuntimeError, TimeoutError):
            if attempt == attempts - 1:
                raise


@pytest.mark.slow  # starts a local cluster of two worker processes
def test_dask_cluster_gives_identical_files(study, tmp_path):
    """The README's recipe: joblib's dask backend on a distributed cluster."""
    distributed = pytest.importorskip("distributed")
    joblib = pytest.importorskip("joblib")
    subjects, kwargs = study
    serial = save_animations(subjects, tmp_path / "serial_{index}.gif", **kwargs)
    with (
        _local_cluster(distributed) as cluster,
        distributed.Client(cluster) as client,
        joblib.parallel_config(backend="dask"),
    ):
        workers = client.run(lambda: __import__("os").getpid())
        with distributed.get_task_stream(client) as stream:
            on_dask = save_animations(subjects, tmp_path / "dask_{index}.gif", **kwargs)
    assert len(set(workers.values())) == 2  # two worker processes
    ran_on = {task["worker"] for task in stream.data}
    assert len(stream.data) >= len(subjects) and ran_on  # the cluster did the work
    for one, two in zip(serial, on_dask, strict=True):
        assert one.read_bytes() == two.read_bytes()


def test_threading_backend_then_saves_on_both_cores(study, tmp_path, two_cpus,
                                                    monkeypatch):  # fmt: skip
    """joblib's threading backend: each job compresses in its own thread (one
    core each), and a later save still compresses on two threads at once."""
    joblib = pytest.importorskip("joblib")
    subjects, kwargs = study
    subjects = subjects[:2]
    serial = save_animations(subjects, tmp_path / "s{index}.gif", **kwargs)
    encoders = GifEncoderThreads(monkeypatch)  # records, never waits
    with joblib.parallel_config(backend="threading"):
        threaded = save_animations(subjects, tmp_path / "t{index}.gif", n_jobs=2,
                                   **kwargs)  # fmt: skip
    assert [p.read_bytes() for p in threaded] == [p.read_bytes() for p in serial]
    assert len(encoders.names) == len(subjects) * N_FRAMES
    assert threading.current_thread().name not in encoders.names  # on joblib's
    assert not any(name.startswith("mne_coefanim") for name in encoders.names)
    anim = small_animation(2 * FRAMES_PER_JOB + 4)
    expected = anim.save(tmp_path / "expected.gif").read_bytes()
    assert save_with_both_cores(anim, tmp_path / "later.gif", monkeypatch) == expected
