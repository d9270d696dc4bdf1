"""One interpolator per geometry: a second animation of a montage skips the build."""

import numpy as np
import pytest
from conftest import make_info

from mne_coefanim import animate_coefs, save_animations
from mne_coefanim.interp import _interp
from mne_coefanim.interp._interp import cache_clear, cache_info, scalp_interpolator


@pytest.fixture(autouse=True)
def _empty_cache():
    cache_clear()
    yield
    cache_clear()


def _data(seed, n_times=4, n_channels=32):
    return np.random.default_rng(seed).standard_normal((n_times, n_channels))


def test_same_montage_shares_the_interpolator():
    info = make_info(n_channels=32)
    one = animate_coefs(_data(0), info, res=32, show=False)
    two = animate_coefs(_data(1), info, res=32, show=False)
    assert two.interp is one.interp
    assert cache_info() == {"hits": 1, "misses": 1, "size": 1}
    # another geometry: another interpolator
    three = animate_coefs(_data(2), info, res=40, show=False)
    assert three.interp is not one.interp
    four = animate_coefs(_data(3), info, res=32, show=False, extrapolate="local")
    assert four.interp is not one.interp
    assert cache_info() == {"hits": 1, "misses": 3, "size": 3}


def test_hit_rate_of_a_batch_of_subjects(tmp_path):
    """Eight subjects of one montage: one build, seven hits (87.5 %)."""
    info = make_info(n_channels=32)
    subjects = [_data(seed, n_times=3) for seed in range(8)]
    save_animations(subjects, tmp_path / "s{index}.gif", info=info, res=32, dpi=30)
    info_ = cache_info()
    assert (info_["hits"], info_["misses"]) == (7, 1)
    assert info_["hits"] / (info_["hits"] + info_["misses"]) == 0.875


def test_shared_interpolator_gives_the_same_frames(tmp_path):
    info = make_info(n_channels=32)
    first = animate_coefs(_data(0), info, res=32, show=False)
    first_gif = first.to_gif_bytes()
    cache_clear()
    animate_coefs(_data(5), info, res=32, show=False)  # fills the cache
    again = animate_coefs(_data(0), info, res=32, show=False)
    assert cache_info()["hits"] == 1
    assert again.to_gif_bytes() == first_gif


def test_least_recently_used_is_dropped():
    pos = np.random.default_rng(0).uniform(-0.07, 0.07, (20, 2))
    built = [scalp_interpolator(pos, res=8 + k) for k in range(_interp.MAX_ENTRIES + 1)]
    assert cache_info()["size"] == _interp.MAX_ENTRIES
    assert scalp_interpolator(pos, res=9) is built[1]  # still kept
    assert scalp_interpolator(pos, res=8) is not built[0]  # dropped, rebuilt


def test_exact_positions_only():
    pos = np.random.default_rng(0).uniform(-0.07, 0.07, (20, 2))
    one = scalp_interpolator(pos, res=16)
    assert scalp_interpolator(pos.copy(), res=16) is one
    assert scalp_interpolator(pos + 1e-12, res=16) is not one


def test_arguments_are_still_validated_on_a_hit():
    pos = np.random.default_rng(0).uniform(-0.07, 0.07, (20, 2))
    scalp_interpolator(pos, res=16)
    with pytest.raises(TypeError, match="res must be an int"):
        scalp_interpolator(pos, res=16.0)


def test_threads_share_the_cache_safely():
    """Eight threads, six geometries at once: no error, bounded size, exact counts."""
    from concurrent.futures import ThreadPoolExecutor

    pos = make_info(n_channels=16).get_montage().get_positions()["ch_pos"]
    xy = np.array([p[:2] for p in pos.values()])
    requests = [dict(res=16 + 2 * (k % 6)) for k in range(48)]
    with ThreadPoolExecutor(8) as pool:
        built = list(pool.map(lambda kw: scalp_interpolator(xy, **kw), requests))
    assert [interp.res for interp in built] == [kw["res"] for kw in requests]
    info = cache_info()
    assert info["hits"] + info["misses"] == len(requests)
    assert info["size"] <= _interp.MAX_ENTRIES
