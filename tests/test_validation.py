"""Bad input, faults and large work, seen from the public entry points.

The modules test their own checks; here each mistake goes through what a
user calls (animate_coefs, plot_coefs, CoefAnimation.save, ...) to make sure
the clear message reaches them, that a failing save loses nothing, and that
memory does not grow with the number of frames.
"""

import gc
import os
import sys
import tracemalloc
import weakref

import mne
import numpy as np
import pytest
from conftest import make_info, make_montage, map_rgba, map_visibility, shown_colors
from matplotlib.animation import FuncAnimation
from PIL import Image

import mne_coefanim.interp._interp as interp_module
import mne_coefanim.io._writers as writers_module
from mne_coefanim import (
    ScalpInterpolator,
    animate_coefs,
    as_coef_data,
    patterns_from_filters,
    plot_coefs,
    significance_mask,
    topomap_positions,
)
from mne_coefanim.cli._main import main as cli_main
from mne_coefanim.compose._compose import FrameCompositor

FAST = dict(res=16, dpi=20, show=False, verbose=False)
N_TIMES = 10
TIMES = np.arange(N_TIMES) * 0.01


@pytest.fixture
def data(rng):
    return rng.standard_normal((N_TIMES, 16))


def listing(folder):
    return sorted(p.name for p in folder.iterdir())


# -- 1. input validation through the public entry points ----------------------


@pytest.mark.parametrize(
    "shape, dims, match",
    [
        ((16,), None, r"data must be 2-D .* got shape \(16,\); name the axes"),
        ((2, N_TIMES, 16), ("times", "channels"),
         r"data must be 2-D with dims \('times', 'channels'\), got shape"),
        ((N_TIMES, 16), ("sample", "channels"), r"unknown name\(s\) \['sample'\]"),
        ((N_TIMES, 16), ("times", "times"), r"name each axis once; got repeated"),
        ((N_TIMES, 16), ("subjects", "channels"), r"must contain 'times' and 'ch"),
    ],
)  # fmt: skip
def test_dims_errors(info16, rng, shape, dims, match):
    with pytest.raises(ValueError, match=match):
        animate_coefs(rng.standard_normal(shape), info16, dims=dims, **FAST)


def test_channel_count_names_both_counts(info16, rng):
    with pytest.raises(ValueError, match=r"data has 15 channels, but info has 16"):
        plot_coefs(rng.standard_normal((N_TIMES, 15)), info16, time=0, **FAST)


def test_channels_without_position_are_named(rng):
    montage = make_montage("biosemi16")
    info = mne.create_info(montage.ch_names + ["EXG1", "EXG2"], 100.0, "eeg")
    info.set_montage(montage, on_missing="ignore")
    with pytest.raises(ValueError, match=r"2 channel\(s\) have no position: EXG1, EX"):
        animate_coefs(rng.standard_normal((N_TIMES, 18)), info, **FAST)
    # the advice works: leaving them out renders
    anim = animate_coefs(
        rng.standard_normal((N_TIMES, 18)), info, picks=montage.ch_names, **FAST
    )
    assert len(anim) == N_TIMES


def test_channels_at_the_same_position_are_named(info16, data):
    positions = info16.get_montage().get_positions()["ch_pos"]
    positions["Cz"] = positions["Fz"]
    info16.set_montage(
        mne.channels.make_dig_montage(ch_pos=positions, coord_frame="head")
    )
    with pytest.raises(ValueError, match=r"1 pair\(s\) of channels share a position"
                       r".*: Fz = Cz\. Drop one"):  # fmt: skip
        animate_coefs(data, info16, **FAST)


def test_channels_on_one_line(info16, rng):
    with pytest.raises(ValueError, match=r"The channels T7, C3, Cz, C4 lie on one "
                       r"line.*check picks and info\['bads'\]"):  # fmt: skip
        animate_coefs(rng.standard_normal((N_TIMES, 16)), info16,
                      picks=["T7", "C3", "Cz", "C4"], **FAST)  # fmt: skip


def test_too_few_channels(info16, rng):
    three = mne.pick_info(info16, [0, 7, 14])
    with pytest.raises(ValueError, match=r"at least 4 channels.*got 3 \(Fp1, Cz, Oz"):
        animate_coefs(rng.standard_normal((N_TIMES, 3)), three, **FAST)
    two = mne.pick_info(info16, [0, 7])
    with pytest.raises(ValueError, match=r"at least 4 channels.*got 2 \(Fp1, Cz\)"):
        topomap_positions(two)


def test_nan_names_channel_and_times_and_offers_to_drop(info16, data):
    data[3:6, 7] = np.nan  # Cz, from 0.03 s to 0.05 s
    with pytest.raises(
        ValueError,
        match=r"NaN or inf in 1 channel\(s\) \(Cz\) at 3 time point\(s\) \(0\.030 s "
        r"to 0\.050 s\)\. Drop those channels .*mark them bad",
    ):
        animate_coefs(data, info16, times=TIMES, **FAST)


@pytest.mark.parametrize("how", ["bads", "picks", "evoked"])
def test_dropping_the_nan_channel_renders(info16, data, how):
    """The message's advice works: a dropped channel's NaN does no harm."""
    data[:, 7] = np.inf
    kwargs = dict(times=TIMES)
    if how == "bads":
        info16["bads"] = ["Cz"]
    elif how == "picks":
        kwargs["picks"] = [n for n in info16.ch_names if n != "Cz"]
    else:  # an Evoked brings its own Info
        data = mne.EvokedArray(data.T, info16, tmin=0.0)
        data.info["bads"] = ["Cz"]
        info16, kwargs = None, {}
    anim = animate_coefs(data, info16, **kwargs, **FAST)
    assert anim.interp.n_channels == 15
    assert np.isfinite(anim.vlim).all()


@pytest.mark.parametrize(
    "times, match",
    [
        (TIMES[:-1], r"times must have shape \(10,\), one per time point of data; "
                     r"got shape \(9,\)"),
        (TIMES[::-1], r"times must be strictly increasing"),
        (np.r_[np.inf, TIMES[1:]], r"times must be finite; got inf at index 0"),
        (np.r_[TIMES[:5], TIMES[4:9]], r"strictly increasing"),
        (np.r_[TIMES[:9], np.nan], r"times must be finite"),
    ],
)  # fmt: skip
def test_bad_times(info16, data, times, match):
    with pytest.raises(ValueError, match=match):
        animate_coefs(data, info16, times=times, **FAST)


def test_no_time_points(info16):
    with pytest.raises(ValueError, match=r"data has 0 time points"):
        animate_coefs(np.zeros((0, 16)), info16, times=[], **FAST)


@pytest.fixture(scope="module")
def tiny_epochs_xy():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 16, 3))
    y = np.repeat([0, 1], 10)
    X[y == 1, 3] += 1.0
    return X, y


def test_unfitted_estimator(info16):
    from mne.decoding import LinearModel, SlidingEstimator
    from sklearn.linear_model import LogisticRegression

    sliding = SlidingEstimator(LinearModel(LogisticRegression()))
    with pytest.raises(RuntimeError, match=r"is not fitted; call \.fit\(X, y\)"):
        animate_coefs(sliding, info16, **FAST)


def test_non_linear_estimator_suggests_a_linear_one(info16, tiny_epochs_xy):
    from mne.decoding import SlidingEstimator
    from sklearn.tree import DecisionTreeClassifier

    sliding = SlidingEstimator(DecisionTreeClassifier(), verbose=False)
    sliding.fit(*tiny_epochs_xy)
    with pytest.raises(
        ValueError,
        match=r"DecisionTreeClassifier: it has no coef_ \(not a linear model\)\. "
        r"Wrap a linear model .*LinearModel\(LogisticRegression",
    ):
        animate_coefs(sliding, info16, **FAST)


def test_mixed_channel_types_need_ch_type(rng):
    montage = make_montage("biosemi16")
    info = mne.create_info(montage.ch_names, 100.0, ["eeg"] * 8 + ["seeg"] * 8)
    info.set_montage(montage)
    values = rng.standard_normal((N_TIMES, 16))
    with pytest.raises(
        ValueError, match=r"several channel types with positions \(eeg, seeg\); "
        r"pass ch_type= one of them"
    ):  # fmt: skip
        animate_coefs(values, info, **FAST)
    anim = animate_coefs(values, info, ch_type="seeg", **FAST)
    assert anim.interp.n_channels == 8


@pytest.mark.parametrize("vlim", [(1.0, 1.0), (2.0, -2.0)])
def test_vlim_min_not_below_max_through_plot_coefs(info16, data, vlim):
    with pytest.raises(ValueError, match=r"vlim must have vmin < vmax; got vlim="):
        plot_coefs(data, info16, time=0.0, vlim=vlim, **FAST)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(cnorm="twoslope"), TypeError, r"cnorm must be a matplotlib\.colors\."),
        (dict(cmap="RdBlu"), ValueError, r"cmap 'RdBlu' is not a matplotlib"),
        (dict(beyond_sensors=dict(border=np.nan)), ValueError,
         r"border must be 'mean' or a finite"),
        (dict(dpi=3), ValueError, r"dpi must be >= 10 .*got dpi=3"),
        # Agg fails deep inside the first draw (or allocates gigabytes) here
        (dict(dpi=1e300), ValueError, r"dpi must be <= 1000 .*got dpi=1e\+300"),
        (dict(dpi=1001), ValueError, r"dpi must be <= 1000 .*got dpi=1001"),
        # a frame lasting 1e300 s overflowed the on-screen timer
        (dict(fps=5e-324), ValueError, r"fps must be >= 0.002 .*got fps=4.9"),
        # NaN levels from a border so large the map's gradients overflow
        (dict(beyond_sensors=dict(border=1e307)), ValueError,
         r"border must be .* within \+-1e\+100"),
        (dict(res=0), ValueError, r"res must be >= 2; got 0"),
        (dict(res=16.0), TypeError, r"res must be an int; got float"),
        # wrong kinds of value: each error names the parameter, none comes
        # from deep inside numpy or matplotlib
        (dict(ch_type=np.zeros(2)), ValueError, r"ch_type must be one of .*got array"),
        (dict(time_unit=["ms"]), ValueError, r"time_unit must be one of .*\['ms'\]"),
        (dict(times={"a": 1}), TypeError, r"times must be an array of times .*dict"),
        (dict(times="0.1"), TypeError, r"times must be an array of times .*str"),
        (dict(vlim={"a": 1, "b": 2}), TypeError, r"vlim vmin must be a number .*str"),
        (dict(scores="auc"), TypeError, r"scores must be an array of numbers; got str"),
        (dict(scores=np.full(N_TIMES, 1e300)), ValueError,
         r"scores must lie within \+-1e\+100 .*got 1e\+300"),
        (dict(sensors="0"), ValueError,
         r"sensors must be a bool or a matplotlib format string .*got '0'"),
    ],
)  # fmt: skip
def test_bad_options(info16, data, kwargs, error, match):
    with pytest.raises(error, match=match):
        animate_coefs(data, info16, **{**FAST, **kwargs})


@pytest.mark.parametrize(
    "ragged, shapes",
    [
        ([np.zeros((5, 16)), np.zeros((4, 16))], r"\(5, 16\), \(4, 16\)"),
        ([[0.0] * 16, [0.0] * 15], r"\(16,\), \(15,\)"),
        ((np.zeros((2, 5, 16)), np.zeros((3, 5, 16))), r"\(2, 5, 16\), \(3, 5, 16\)"),
    ],
)
def test_ragged_data_names_data(info16, ragged, shapes):
    match = rf"data must be a regular array, .* rows differ in length \(shapes {shapes}"
    with pytest.raises(ValueError, match=match):
        animate_coefs(ragged, info16, **FAST)
    with pytest.raises(ValueError, match=match):
        as_coef_data(ragged)
    with pytest.raises(ValueError, match=match):  # one panel of several
        animate_coefs({"a": np.zeros((5, 16)), "b": ragged}, info16, **FAST)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(title=r"$\frac$"), "title"),
        (dict(title=r"$\alpha$ costs $5, \frac$"), "title"),
        (dict(data={r"$\sqrt$": None}), "panel title"),
    ],
)
def test_title_matplotlib_cannot_parse_names_title(info16, data, kwargs, name):
    if "data" in kwargs:
        kwargs = dict(data={title: data for title in kwargs["data"]})
    kwargs = {"data": data, **kwargs}
    match = rf"^{name} .* cannot be drawn: .*mathtext.* a literal dollar sign as \\\$"
    with pytest.raises(ValueError, match=match):
        animate_coefs(info=info16, **kwargs, **FAST)
    with pytest.raises(ValueError, match=match):
        plot_coefs(info=info16, time=0.0, **kwargs, **FAST)


def test_escaped_dollars_and_valid_mathtext_draw(info16, data):
    for title in (r"costs \$5", r"$\frac{1}{2}$ of $\mu$V", "one $ sign"):
        anim = animate_coefs(data, info16, title=title, **FAST)
        next(anim.iter_frames())  # the first draw parses the title


def test_iter_frames_checks_dpi(info16, data):
    anim = animate_coefs(data, info16, **FAST)
    with pytest.raises(ValueError, match=r"dpi must be <= 1000 .*got dpi=5000"):
        next(anim.iter_frames(dpi=5000))


def test_huge_values_overflowing_the_colour_range(info16, data):
    data[0, 0], data[1, 1] = -1.7e308, 1.7e308
    with pytest.raises(ValueError, match=r"colour range .* overflows float64"):
        animate_coefs(data, info16, **FAST)


def test_tiny_values_render(info16, data):
    """A range narrower than float64 can divide is widened, not divided by."""
    anim = animate_coefs(data * 1e-320, info16, **FAST)  # subnormal values
    vmin, vmax = anim.vlim
    assert vmin < 0 < vmax and np.isfinite(vmax - vmin)
    assert next(anim.iter_frames()).ndim == 2


def test_large_offset_keeps_colour_precision(info16, data, tmp_path):
    """Values far from 0 with a narrow vlim still get distinct colours."""
    offset = 1e6
    anim = animate_coefs(
        offset + 1e-3 * data, info16, vlim=(offset - 3e-3, offset + 3e-3),
        sensors=False, colorbar=False, **FAST,
    )  # fmt: skip
    shown = shown_colors(anim, 0)
    # float32 would collapse the map to one or two levels (its step at 1e6
    # is 0.06, twenty times the whole colour range)
    assert len(np.unique(shown, axis=0)) > 20


@pytest.mark.parametrize(
    "value, transform", [(0.0, None), (2.5, None), (-3e-12, None), (7.0, "zscore")]
)
def test_constant_field_is_one_colour(info16, value, transform):
    """No division by zero (warnings are errors) and one colour in the head."""
    values = np.full((4, 16), value)
    anim = animate_coefs(
        values,
        info16,
        coef_params=dict(transform=transform),
        sensors=False,
        colorbar=False,
        **FAST,
    )
    vmin, vmax = anim.vlim
    assert np.isfinite([vmin, vmax]).all() and vmin < vmax
    shown = 0.0 if transform == "zscore" else value
    assert vmin <= shown <= vmax
    # the figure's image: every pixel in the head has the same colour
    anim.show_frame(2)
    rgba = map_rgba(anim).reshape(-1, 4)
    inside = anim.interp.inside.ravel()
    assert len(np.unique(rgba[inside], axis=0)) == 1
    # the saved frames: every pixel that shows the map has the same index
    pixels = np.flatnonzero(map_visibility(anim) == 1)  # at the saved dpi
    assert pixels.size > 50
    for frame in anim.iter_frames():
        assert len(np.unique(frame.reshape(-1)[pixels])) == 1


def test_unknown_output_suffix(info16, data, tmp_path):
    anim = animate_coefs(data, info16, **FAST)
    with pytest.raises(ValueError, match=r"must end in one of .*'anim\.gif'"):
        anim.save(tmp_path / "anim.png")
    assert listing(tmp_path) == []


def test_video_encoder_not_installed(info16, data, tmp_path, monkeypatch):
    anim = animate_coefs(data, info16, **FAST)
    canvas, dpi = anim.fig.canvas, anim.fig.dpi
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)
    with pytest.raises(ImportError, match=r"pip install '\.\[video\]' in a clone"):
        anim.save(tmp_path / "anim.mp4", dpi=40, verbose=False)
    assert listing(tmp_path) == []
    # the figure is back to its own canvas and size at once, not when the
    # traceback (kept by pytest here, or by IPython) is collected
    assert anim.fig.canvas is canvas and anim.fig.dpi == dpi


def test_as_coef_data_times_not_increasing(rng):
    with pytest.raises(ValueError, match=r"strictly increasing; got \[0\. 0\. "):
        as_coef_data(rng.standard_normal((4, 5)), times=[0.0, 0.0, 1.0, 2.0])


def test_significance_mask_names_nan_channels(info16, rng):
    samples = rng.standard_normal((5, 3, 16))
    samples[2, 1, 3] = np.nan  # Fz
    with pytest.raises(ValueError, match=r"samples contains NaN or inf in 1 "
                       r"channel\(s\) \(Fz\) at 1 time point"):  # fmt: skip
        significance_mask(samples, info16, method="fdr")
    with pytest.raises(ValueError, match=r"info has 16 channels; pass the Info"):
        significance_mask(samples[..., :15], info16, method="fdr")


def test_patterns_from_filters_bad_input(tiny_epochs_xy):
    X, _ = tiny_epochs_xy
    filters = np.ones((3, 16))
    filters[1, 2] = np.inf
    with pytest.raises(ValueError, match=r"filters contains NaN or inf in 1 "
                       r"channel\(s\) \(2\) at 1 time point\(s\) \(time indices 1"
                       ):  # fmt: skip
        patterns_from_filters(filters, X)
    with pytest.raises(ValueError, match=r"filters looks transposed: pass filters\.T"):
        patterns_from_filters(np.ones((16, 3)), X)


# -- 2. files: a failing save loses nothing -----------------------------------


@pytest.fixture
def anim16(info16, data):
    return animate_coefs(data, info16, times=TIMES, **FAST)


def _fail_on_third_frame(monkeypatch, exception):
    compose = FrameCompositor.compose
    calls = []

    def failing(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise exception
        return compose(self, *args, **kwargs)

    monkeypatch.setattr(FrameCompositor, "compose", failing)
    return calls


@pytest.mark.parametrize("suffix", [".gif", ".mp4"])
@pytest.mark.parametrize("exception", [RuntimeError("boom"), KeyboardInterrupt()])
@pytest.mark.parametrize("existing", [False, True])
def test_interrupted_save_leaves_nothing(
    anim16, tmp_path, monkeypatch, suffix, exception, existing
):
    reference = anim16.save(tmp_path / "reference.gif", verbose=False)
    path = tmp_path / f"anim{suffix}"
    if existing:
        path.write_bytes(b"the user's file")
    before = listing(tmp_path)
    calls = _fail_on_third_frame(monkeypatch, exception)
    with pytest.raises(type(exception)):
        anim16.save(path, overwrite=existing, verbose=False)
    # the third failed; GIF frames composed on the encoder threads may have
    # gone on meanwhile
    assert len(calls) == 3 if suffix != ".gif" else len(calls) >= 3
    assert listing(tmp_path) == before  # no partial file, no temporary file
    if existing:
        assert path.read_bytes() == b"the user's file"
    # nothing lost: the animation still saves, the same file as ever
    monkeypatch.undo()
    assert anim16.fig.dpi == FAST["dpi"]
    again = anim16.save(tmp_path / "again.gif", verbose=False)
    assert again.read_bytes() == reference.read_bytes()


def test_existing_file_untouched_unless_overwrite(anim16, tmp_path):
    path = tmp_path / "anim.gif"
    path.write_bytes(b"keep")
    with pytest.raises(FileExistsError, match=r"pass overwrite=True to replace"):
        anim16.save(path, verbose=False)
    assert path.read_bytes() == b"keep"
    anim16.save(path, overwrite=True, verbose=False)
    assert path.read_bytes()[:6] == b"GIF89a"
    assert listing(tmp_path) == ["anim.gif"]


def test_folder_without_write_permission(anim16, tmp_path, monkeypatch):
    """Root ignores chmod, so refuse the temporary file instead."""

    real_open = os.open

    def refuse(path, *args, **kwargs):
        if str(path).endswith(".part"):  # the temporary files only
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(writers_module.os, "open", refuse)
    for name in ("anim.gif", "anim.html"):
        with pytest.raises(PermissionError, match=r"Cannot write 'anim\.\w+': no file "
                           r"can be created in the folder"):  # fmt: skip
            anim16.save(tmp_path / name, verbose=False)
    assert listing(tmp_path) == []


@pytest.mark.parametrize("name", ["anim.gif", "anim.html"])
def test_failing_rename_leaves_nothing(anim16, tmp_path, monkeypatch, name):
    (tmp_path / name).write_bytes(b"old")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(writers_module.os, "replace", refuse)
    with pytest.raises(PermissionError):
        anim16.save(tmp_path / name, overwrite=True, verbose=False)
    assert listing(tmp_path) == [name]
    assert (tmp_path / name).read_bytes() == b"old"


def _pickle_bomb(marker):
    """An object array that, if unpickled, creates the folder ``marker``."""

    class Bomb:
        def __reduce__(self):
            return os.makedirs, (str(marker),)

    bombs = np.empty(2, dtype=object)
    bombs[:] = [Bomb(), Bomb()]
    return bombs


@pytest.mark.parametrize("suffix", [".npy", ".npz"])
def test_cli_never_unpickles(tmp_path, capsys, suffix):
    marker = tmp_path / "pwned"
    path = tmp_path / f"coefs{suffix}"
    bombs = _pickle_bomb(marker)
    if suffix == ".npy":
        np.save(path, bombs, allow_pickle=True)
    else:
        np.savez(path, coefs=bombs)
    names = ",".join(make_montage("biosemi16").ch_names)
    code = cli_main(["render", str(path), "--montage", "biosemi16",
                     "--ch-names", names, "-o", str(tmp_path / "out.gif")])  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert "never unpickles files" in err
    assert not marker.exists()
    assert not (tmp_path / "out.gif").exists()


# -- 4. memory: bounded in the number of frames -------------------------------


def _save_peak(info, n_frames, folder):
    """Peak traced memory of saving ``n_frames`` tiny frames."""
    values = np.random.default_rng(0).standard_normal((n_frames, 16))
    anim = animate_coefs(values, info, times=np.arange(n_frames) / 100.0, **FAST)
    tracemalloc.start()
    try:
        path = anim.save(folder / f"{n_frames}.gif", verbose=False)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak, path


@pytest.mark.parametrize(
    "n_short, n_long",
    [(40, 240), pytest.param(100, 2000, marks=pytest.mark.slow)],
)
def test_save_memory_does_not_grow_with_frames(info16, tmp_path, n_short, n_long):
    short, _ = _save_peak(info16, n_short, tmp_path)
    long, path = _save_peak(info16, n_long, tmp_path)
    with Image.open(path) as gif:
        assert gif.n_frames == n_long
        frame_bytes = gif.width * gif.height
    # keeping every frame would cost (n_long - n_short) frames more; a stream
    # keeps a few, whatever their number
    assert long - short < min(1e6, 0.25 * (n_long - n_short) * frame_bytes)


def test_interpolator_refuses_a_huge_image_stack(info16, monkeypatch):
    interp = ScalpInterpolator(topomap_positions(info16), res=32)
    monkeypatch.setattr(interp_module, "MAX_ARRAY_BYTES", 50 * 32 * 32 * 8)
    assert interp(np.zeros((50, 16))).shape == (50, 32, 32)  # at the limit
    with pytest.raises(
        ValueError,
        match=r"Interpolating 51 frames at res=32 would allocate .* GiB of images "
        r"\(51 x 1024 values of 8 bytes\).*in chunks of at most 50 frames with "
        r"interpolate_inside.*or use animate_coefs, which streams",
    ):
        interp(np.zeros((51, 16)))
    # interpolate_inside (the head only, any dtype) has the same guard
    n_inside = int(interp.inside.sum())
    monkeypatch.setattr(interp_module, "MAX_ARRAY_BYTES", 10 * n_inside * 4)
    assert interp.interpolate_inside(np.zeros((10, 16)), dtype=np.float32).shape
    with pytest.raises(ValueError, match=r"11 x \d+ values of 4 bytes"):
        interp.interpolate_inside(np.zeros((11, 16)), dtype=np.float32)


def test_interpolator_refuses_a_huge_res(info16):
    with pytest.raises(ValueError, match=r"res=5000 would need about 9\.31 GiB .*"
                       r"'cubic'.*Use a smaller res"):  # fmt: skip
        ScalpInterpolator(topomap_positions(info16), res=5000)
    with pytest.raises(ValueError, match=r"res=5000 would need about"):
        animate_coefs(np.zeros((2, 16)), info16, res=5000, show=False)


def test_missing_encoder_fails_before_rendering(tmp_path, monkeypatch, info, rng):
    import mne_coefanim.compose._compose as compose

    data = rng.standard_normal((3, len(info.ch_names)))
    anim = animate_coefs(data, info, times=np.arange(3) / 10, res=16, dpi=30,
                         show=False, verbose=False)  # fmt: skip

    def no_render(*args, **kwargs):
        raise AssertionError("rendered before checking the encoder")

    monkeypatch.setattr(compose.FrameCompositor, "__init__", no_render)
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)
    with pytest.raises(ImportError, match=r"pip install '\.\[video\]' in a clone"):
        anim.save(tmp_path / "a.mp4", verbose=False)
    with pytest.raises(ValueError, match=r"fps must be <= 50 for a GIF"):
        anim.save(tmp_path / "a.gif", fps=60, verbose=False)
    assert not list(tmp_path.iterdir())


def test_failed_first_draw_leaves_no_animation_behind(info16, data):
    """An error while drawing raises before any FuncAnimation exists.

    A FuncAnimation whose first draw failed is collected "without rendering
    anything", and matplotlib warns about it from ``__del__`` at some random
    later point (pyparsing's cache keeps the traceback for a while): with
    warnings as errors, a failure in an unrelated test.
    """

    def animations():
        gc.collect()
        return sum(isinstance(o, FuncAnimation) for o in gc.get_objects())

    before = animations()
    with pytest.raises(ValueError, match=r"nosuchsymbol"):
        animate_coefs(data, info16, title=r"$\nosuchsymbol$", **FAST)
    assert animations() == before


# -- every error at the call, naming the parameter, before any rendering -------


@pytest.fixture
def no_rendering(monkeypatch):
    """Fail the test if any frame is composed or the figure drawn for a file."""
    from mne_coefanim._animation import CoefAnimation

    def refuse(*args, **kwargs):
        raise AssertionError("a frame was rendered before the error")

    monkeypatch.setattr(CoefAnimation, "_frames", refuse)


@pytest.mark.parametrize(
    "chance, error, match",
    [
        (np.nan, ValueError, r"chance must be a finite number .*got "
                             r"score_params=dict\(chance=nan\)"),
        (np.inf, ValueError, r"chance must be a finite number .*got "
                             r"score_params=dict\(chance=inf\)"),
        (1e308, ValueError,
         r"within \+-1e\+100.*got score_params=dict\(chance=1e\+308\)"),
        (-1e308, ValueError,
         r"within \+-1e\+100.*got score_params=dict\(chance=-1e\+308\)"),
        ("0.5", ValueError, r"chance must be a number, 'auto' or None"),
        (True, TypeError, r"chance must be a number, 'auto' or None; got bool"),
    ],
)  # fmt: skip
def test_chance_refused_at_the_call(info16, data, rng, chance, error, match):
    scores = rng.uniform(0.4, 0.9, (5, N_TIMES))
    with pytest.raises(error, match=match):
        animate_coefs(
            data,
            info16,
            times=TIMES,
            scores=scores,
            score_params=dict(chance=chance),
            **FAST,
        )
    with pytest.raises(error, match=match):  # also without scores: a typo
        animate_coefs(
            data, info16, times=TIMES, score_params=dict(chance=chance), **FAST
        )
    with pytest.raises(error, match=match):
        plot_coefs(
            data,
            info16,
            times=TIMES,
            scores=scores,
            score_params=dict(chance=chance),
            time=[0.0, 0.05],
            **FAST,
        )


def test_large_finite_chance_is_drawn(info16, data, rng, tmp_path):
    scores = rng.uniform(0.4, 0.9, (5, N_TIMES))
    anim = animate_coefs(
        data,
        info16,
        times=TIMES,
        scores=scores,
        score_params=dict(chance=1e100),
        **FAST,
    )
    assert anim.scores.chance == 1e100
    anim.save(tmp_path / "a.gif", verbose=False)  # used to overflow here
    assert n_gif_frames(tmp_path / "a.gif") == N_TIMES


def n_gif_frames(path):
    with Image.open(path) as image:
        return image.n_frames


@pytest.mark.parametrize(
    "name, text",
    [
        ("units", r"$\foo$"),
        ("score_label", "$x^$"),
        ("title", "cost: $x_$"),
    ],
)  # fmt: skip
def test_mathtext_parsed_at_the_call(info16, data, rng, no_rendering, name, text):
    def given(text):  # score_label is score_params' "label" (since 0.2)
        if name == "score_label":
            return dict(score_params=dict(label=text))
        return {name: text}

    kwargs = {**given(text), "scores": rng.uniform(0.4, 0.9, (5, N_TIMES))}
    match = rf"^{name} .* cannot be drawn: matplotlib reads text between \$ signs"
    with pytest.raises(ValueError, match=match):
        animate_coefs(data, info16, times=TIMES, **kwargs, **FAST)
    with pytest.raises(ValueError, match=match):
        plot_coefs(data, info16, times=TIMES, time=[0.0, 0.05], **kwargs, **FAST)
    escaped = {**given(text.replace("$", r"\$")), "scores": kwargs["scores"]}
    anim = animate_coefs(data, info16, times=TIMES, **escaped, **FAST)
    anim.fig.canvas.draw()  # the escaped text draws


def test_panel_title_mathtext_and_label_types(info16, data, no_rendering):
    with pytest.raises(ValueError, match=r"^panel title \(data key\) '\$\\\\x\$'"):
        animate_coefs({"ok": data, r"$\x$": data}, info16, times=TIMES, **FAST)
    with pytest.raises(TypeError, match=r"units must be a str or None; got int"):
        animate_coefs(data, info16, times=TIMES, units=5, **FAST)
    with pytest.raises(TypeError, match=r"score_label must be a str or None"):
        animate_coefs(
            data, info16, times=TIMES, score_params=dict(label=["AUC"]), **FAST
        )


@pytest.mark.parametrize(
    "sphere, match",
    [
        (9.5, r"the farthest, \w+, lies 0\.0\d+ head radii from its centre"),
        (1e10, r"the farthest, \w+, lies [\d.]+e-1\d head radii"),
        (0.001, r"the farthest, \w+, lies [\d.]+ head radii from its centre on "
                r"the map, where a "
                r"head's channels lie 0\.1 to 10 radii away"),
        ((1.0, 0.0, 0.0, 0.095), r"the farthest, T7, lies 11\.3 head radii"),
    ],
)  # fmt: skip
def test_implausible_sphere_refused(info16, data, sphere, match):
    start = r"^sphere \[.*\] \(x, y, z, radius\) is not a plausible head for "
    with pytest.raises(ValueError, match=start + r"these channels: " + match):
        animate_coefs(data, info16, times=TIMES, sphere=sphere, **FAST)


@pytest.mark.parametrize("radius", [0.02, 0.095, 0.5])
def test_plausible_spheres_draw(info16, data, radius, tmp_path):
    anim = animate_coefs(data[:2], info16, times=TIMES[:2], sphere=radius, **FAST)
    anim.save(tmp_path / "s.gif", verbose=False)
    assert np.allclose(anim.sensors.sphere, [0, 0, 0, radius])


def test_sphere_reach_also_for_positions_arrays(data):
    pos = make_info("biosemi16").get_montage().get_positions()["ch_pos"]
    pos = np.array(list(pos.values()))[:, :2] * 100  # centimetres
    animate_coefs(data, pos, times=TIMES, sphere=9.5, **FAST)  # their unit
    with pytest.raises(ValueError, match=r"lies 0\.0\d+ head radii"):
        animate_coefs(data, pos, times=TIMES, sphere=(0, 0, 0, 150.0), **FAST)


def test_times_from_sfreq_must_be_finite(info16, data):
    with pytest.raises(ValueError, match=r"sfreq=1e-320 Hz with tmin=0\.0 s gives "
                       r"times that are not finite and increasing"):  # fmt: skip
        as_coef_data(data, sfreq=1e-320)
    with pytest.raises(ValueError, match=r"sfreq=1000\.0 Hz with tmin=1e\+20 s"):
        as_coef_data(data, sfreq=1000.0, tmin=1e20)


@pytest.mark.parametrize("n_channels", [1, 2, 3])
def test_too_few_channels_said_once(info16, rng, n_channels):
    few = mne.pick_info(info16, [0, 7, 14][:n_channels])
    with pytest.raises(ValueError, match=rf"at least 4 channels .*got {n_channels} "):
        animate_coefs(rng.standard_normal((N_TIMES, n_channels)), few, **FAST)


# -- the frames' pixel size, for the chosen format, before any rendering -------


def test_frames_larger_than_agg_refused_at_the_call(info16, rng):
    panels = {f"p{k}": rng.standard_normal((2, 16)) for k in range(17)}
    match = (r"^dpi=1000 makes frames of 6\d,\d{3} x \d,\d{3} px, too large: "
             r"matplotlib draws \(Agg\) at most 65,535 px per side\. To fit, "
             r"lower dpi to 9\d\d or less")  # fmt: skip
    with pytest.raises(ValueError, match=match):
        animate_coefs(panels, info16, times=TIMES[:2], res=8, dpi=1000, show=False,
                      verbose=False)  # fmt: skip


@pytest.mark.parametrize(
    "suffix, panels, match",
    [
        (".mp4", 4, r"the libx264 encoder \(\.mp4\) takes frames of at most 16,384"),
        (".gif", 17, r"GIF stores the width and height in 16 bits"),
        (".html", 17, r"the viewer stores frame sizes in 16 bits"),
    ],
)  # fmt: skip
def test_frames_too_large_for_the_format_refused_at_save(info16, rng, tmp_path,
                                                         no_rendering, suffix,
                                                         panels, match):  # fmt: skip
    if suffix == ".mp4":
        pytest.importorskip("imageio_ffmpeg")
    data = {f"p{k}": rng.standard_normal((2, 16)) for k in range(panels)}
    anim = animate_coefs(data, info16, times=TIMES[:2], res=8, dpi=20, show=False,
                         verbose=False)  # fmt: skip
    with pytest.raises(ValueError, match=r"^dpi=1000 makes frames of .* too large: "
                       + match):  # fmt: skip
        anim.save(tmp_path / f"a{suffix}", dpi=1000, verbose=False)
    assert listing(tmp_path) == []  # nothing written, nothing left
    if suffix == ".html":
        with pytest.raises(ValueError, match=match):
            anim.to_html(dpi=1000)


def test_codec_limits_count_the_even_padding():
    pytest.importorskip("imageio_ffmpeg")
    from mne_coefanim.io._video import VideoWriter

    writer = VideoWriter("x.mp4", fps=10)
    if writer.codec != "libx264":
        pytest.skip(f"MP4 encoder is {writer.codec}")
    writer.check_frame((100, 16384), dpi=100)  # the largest x264 takes
    with pytest.raises(ValueError, match=r"frames of 16,385 x 100 px.*libx264"):
        writer.check_frame((100, 16385), dpi=100)  # padded to 16,386


def test_frame_shape_is_what_the_frames_are(info16, data):
    from mne_coefanim._checks import frame_shape

    anim = animate_coefs(data[:2], info16, times=TIMES[:2], **FAST)
    for dpi in (20, 33.3, 41):
        frame = next(anim.iter_frames(dpi=dpi))
        assert frame.shape == frame_shape(anim.fig.get_size_inches(), dpi)


# -- figures made with show=False are not left in pyplot ----------------------


def test_show_false_leaves_no_pyplot_figure(info16, data, tmp_path):
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    before = plt.get_fignums()
    # pyplot warns (an error here) when more than max_open_warning are open
    with plt.rc_context({"figure.max_open_warning": 1}):
        for _ in range(3):
            anim = animate_coefs(data[:2], info16, times=TIMES[:2], **FAST)
        anim.save(tmp_path / "a.gif", verbose=False)
        fig = plot_coefs(data, info16, times=TIMES, time=0.02, **FAST)
        sheet = plot_coefs(data, info16, times=TIMES, time=[0.0, 0.05], **FAST)
    assert plt.get_fignums() == before
    for each in (anim.fig, fig, sheet):  # draws and saves as any figure
        assert isinstance(each.canvas, FigureCanvasAgg)
        each.savefig(tmp_path / "f.png")
        with Image.open(tmp_path / "f.png") as image:
            assert image.size == tuple(
                int(round(s)) for s in each.get_size_inches() * each.dpi
            )
    freed = weakref.ref(anim.fig)
    del anim
    gc.collect()
    assert freed() is None  # pyplot holds no reference


def test_show_true_still_uses_pyplot(info16, data):
    import matplotlib.pyplot as plt

    before = len(plt.get_fignums())
    anim = animate_coefs(data[:2], info16, times=TIMES[:2], **{**FAST, "show": True})
    fig = plot_coefs(data, info16, times=TIMES, time=0.02, **{**FAST, "show": True})
    assert len(plt.get_fignums()) == before + 2
    assert plt.fignum_exists(anim.fig.number) and plt.fignum_exists(fig.number)
