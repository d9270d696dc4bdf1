"""Inputs read by their labels (DataFrame, xarray-like), or refused with a reason."""

from types import SimpleNamespace

import numpy as np
import pytest

from mne_coefanim import animate_coefs, as_coef_data, plot_coefs

pd = pytest.importorskip("pandas")

FAST = dict(res=32, dpi=40, show=False, verbose=False)
N_CH, N_TIMES = 16, 6
TIMES = np.array([-0.1, 0.0, 0.05, 0.1, 0.2, 0.3])  # uneven: not from an index


@pytest.fixture
def data(rng):
    return rng.standard_normal((N_TIMES, N_CH))


def frames(anim):
    return [frame.copy() for frame in anim.iter_frames()]


def assert_same_frames(first, second):
    np.testing.assert_allclose(first.times, second.times)
    assert first.vlim == second.vlim
    for a, b in zip(frames(first), frames(second), strict=True):
        np.testing.assert_array_equal(a, b)


class FakeDataArray:
    """The little of xarray.DataArray that is read: dims, coords, values."""

    def __init__(self, values, dims, **coords):
        self.values = np.asarray(values)
        self.dims = tuple(dims)
        self.coords = {
            key: SimpleNamespace(values=np.asarray(value))
            for key, value in coords.items()
        }

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.values, dtype=dtype)


# -- DataFrame ------------------------------------------------------------------


def test_dataframe_reversed_columns_give_the_same_frames(info16, data):
    names = info16.ch_names
    frame = pd.DataFrame(data, index=TIMES, columns=names)
    reversed_frame = frame[names[::-1]]
    assert list(reversed_frame.columns) == names[::-1]
    ordered = animate_coefs(data, info16, times=TIMES, **FAST)
    assert_same_frames(animate_coefs(reversed_frame, info16, **FAST), ordered)
    # the public adapter reads the columns too
    coef = as_coef_data(reversed_frame)
    assert coef.ch_names == names[::-1]
    np.testing.assert_array_equal(coef.data, data[:, ::-1])


def test_dataframe_index_gives_the_times(info16, data):
    frame = pd.DataFrame(data, index=pd.Index(TIMES, name="time"),
                         columns=info16.ch_names)  # fmt: skip
    anim = animate_coefs(frame, info16, **FAST)
    np.testing.assert_array_equal(anim.times, TIMES)
    np.testing.assert_array_equal(as_coef_data(frame).times, TIMES)
    # equal times given as well are accepted
    anim = animate_coefs(frame, info16, times=TIMES.copy(), **FAST)
    np.testing.assert_array_equal(anim.times, TIMES)
    # plot_coefs picks the frame by the index's times
    fig = plot_coefs(frame, info16, time=0.2, **FAST)
    assert fig is not None


def test_dataframe_default_index_means_times_unknown(info16, data):
    frame = pd.DataFrame(data, columns=info16.ch_names)  # RangeIndex
    np.testing.assert_array_equal(as_coef_data(frame).times, np.arange(N_TIMES))
    anim = animate_coefs(frame, info16, times=TIMES, **FAST)  # no conflict
    np.testing.assert_array_equal(anim.times, TIMES)


def test_dataframe_times_given_must_equal_the_index(info16, data):
    frame = pd.DataFrame(data, index=TIMES, columns=info16.ch_names)
    match = r"times cannot differ from the labels of data: a DataFrame carries"
    with pytest.raises(ValueError, match=match + " the times in its index"):
        animate_coefs(frame, info16, times=TIMES + 1.0, **FAST)
    with pytest.raises(ValueError, match=r"dims cannot differ from the labels"):
        as_coef_data(frame, dims=("channels", "times"))


def test_dataframe_picks_channels_by_name(info16, data):
    # an extra channel, not in info, holding NaN: dropped before the check
    frame = pd.DataFrame(data, index=TIMES, columns=info16.ch_names)
    frame.insert(3, "EXG1", np.nan)
    anim = animate_coefs(frame, info16, **FAST)
    assert_same_frames(anim, animate_coefs(data, info16, times=TIMES, **FAST))


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda d, names: pd.DataFrame(d.T, index=names), ValueError,
         r"index holds text .* pass data\.T"),
        (lambda d, names: pd.DataFrame(d, columns=names).assign(time=TIMES),
         ValueError, r"column 'time' .* pass data\.set_index\('time'\)"),
        (lambda d, names: pd.DataFrame(d, columns=names).assign(cond="a"),
         TypeError, r"1 column\(s\) that are not real numbers \(cond\)"),
        (lambda d, names: pd.DataFrame(d, columns=[names[0]] * N_CH), ValueError,
         r"repeated column names \(Fp1\)"),
        (lambda d, names: pd.DataFrame(d.T, columns=TIMES), ValueError,
         r"columns are not channel names \(-0\.1, \.\.\.\): .* pass "
         r"data\.T"),
        (lambda d, names: [pd.DataFrame(d, index=TIMES, columns=names)] * 2,
         TypeError, r"list of DataFrames or xarray-like objects, whose labels"),
        (lambda d, names: [np.ma.masked_array(d)] * 2, TypeError,
         r"data holds a numpy masked array, which is refused"),
    ],
)  # fmt: skip
def test_dataframe_refused_with_the_fix(info16, data, make, error, match):
    with pytest.raises(error, match=match):
        animate_coefs(make(data, info16.ch_names), info16, **FAST)


# -- xarray-like ------------------------------------------------------------------


def test_xarray_like_with_singular_dims_matches_the_array(info16, rng):
    folds = rng.standard_normal((3, N_TIMES, N_CH))
    names = info16.ch_names
    # MNE's singular names, channels reversed and before times
    labelled = FakeDataArray(
        folds[:, :, ::-1].transpose(0, 2, 1), ("fold", "channel", "time"),
        channel=names[::-1], time=TIMES,
    )  # fmt: skip
    expected = animate_coefs(folds, info16, times=TIMES,
                             dims=("folds", "times", "channels"), **FAST)  # fmt: skip
    assert_same_frames(animate_coefs(labelled, info16, **FAST), expected)
    coef = as_coef_data(labelled)
    assert coef.ch_names == names[::-1] and coef.sample_dim == "folds"
    np.testing.assert_array_equal(coef.times, TIMES)


def test_xarray_like_without_coordinates_is_positional(info16, data):
    labelled = FakeDataArray(data, ("time", "channel"))
    anim = animate_coefs(labelled, info16, times=TIMES, **FAST)
    assert_same_frames(anim, animate_coefs(data, info16, times=TIMES, **FAST))


def test_xarray_like_refuses_unknown_dims_and_other_dims(data):
    with pytest.raises(ValueError, match=r"data\.dims .* may only contain 'subjects'"
                       r".* unknown name\(s\) \['epoch'\]"):  # fmt: skip
        as_coef_data(FakeDataArray(data[None], ("epoch", "time", "channel")))
    with pytest.raises(ValueError, match=r"dims cannot differ from the labels of "
                       r"data: an xarray-like object names its axes in "
                       r"data\.dims"):  # fmt: skip
        as_coef_data(FakeDataArray(data, ("time", "channel")),
                     dims=("channels", "times"))  # fmt: skip


# -- masked arrays ------------------------------------------------------------------


def test_masked_array_refused(info16, data):
    masked = np.ma.masked_array(data, mask=np.zeros(data.shape, bool))
    masked[0, 0] = 1e6
    masked[0, 0] = np.ma.masked
    match = r"masked array, which is refused: its mask would be ignored"
    with pytest.raises(TypeError, match=match):
        animate_coefs(masked, info16, times=TIMES, **FAST)
    with pytest.raises(TypeError, match=r"np\.ma\.filled\(data, np\.nan\) does not"):
        as_coef_data(masked)


# -- dims names -------------------------------------------------------------------


@pytest.mark.parametrize(
    "dims", [("fold", "time", "channel"), "fold, time, channel", "folds,times,ch"]
)
def test_dims_singular_and_comma_separated(info16, rng, dims):
    folds = rng.standard_normal((3, N_TIMES, N_CH))
    plural = animate_coefs(folds, info16, times=TIMES,
                           dims=("folds", "times", "channels"), **FAST)  # fmt: skip
    anim = animate_coefs(folds, info16, times=TIMES, dims=dims, **FAST)
    assert_same_frames(anim, plural)
    assert as_coef_data(folds, dims=dims).sample_dim == "folds"


def test_dims_one_name_str_refused(data):
    with pytest.raises(TypeError, match=r"comma-separated str such as 'times,chan"):
        as_coef_data(data, dims="time")


# -- (n_channels, n_times) arrays ---------------------------------------------------


ADVICE_2D = r"Pass dims=\('channels', 'times'\) or data\.T\."


@pytest.mark.parametrize("times", [None, TIMES])
def test_channels_by_times_array_refused_with_dims(info16, data, times):
    with pytest.raises(ValueError, match=r"looks like \(n_channels, n_times\)"):
        animate_coefs(data.T, info16, times=times, **FAST)
    with pytest.raises(ValueError, match=ADVICE_2D):
        plot_coefs(data.T, info16, times=times, time=0.0, **FAST)
    # and the advice works
    anim = animate_coefs(data.T, info16, times=TIMES,
                         dims=("channels", "times"), **FAST)  # fmt: skip
    assert_same_frames(anim, animate_coefs(data, info16, times=TIMES, **FAST))


def test_channels_by_times_said_before_the_times_shape(data):
    with pytest.raises(ValueError, match=r"channels axis has as many \(6\) as times"
                       ".*" + ADVICE_2D):  # fmt: skip
        as_coef_data(data.T, times=TIMES)


def test_channels_by_times_named_with_the_matching_dims_in_3d_and_4d(info16, rng):
    stack = rng.standard_normal((2, 3, N_CH, N_TIMES))
    with pytest.raises(ValueError, match=r"Pass dims=\('subjects', 'folds', "
                       r"'channels', 'times'\)\.$"):  # fmt: skip
        animate_coefs(stack, info16, times=TIMES, **FAST)
    with pytest.raises(ValueError, match=r"Pass dims=\('subjects', 'channels', "
                       r"'times'\)\.$"):  # fmt: skip
        animate_coefs(stack[0], info16, **FAST)
    with pytest.raises(ValueError, match=r"Pass dims=\('folds', 'channels', "
                       r"'times'\)\.$"):  # fmt: skip
        animate_coefs(stack[0], info16, dims="fold,time,channel", **FAST)


def test_channels_by_times_coef_data_refused(info16, data):
    coef = as_coef_data(data.T)  # nothing tells as_coef_data: read as 16 times
    with pytest.raises(ValueError, match=r"looks like \(n_channels, n_times\).* "
                       r"Build it from data\.T"):  # fmt: skip
        animate_coefs(coef, info16, **FAST)
