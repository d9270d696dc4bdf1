"""The parameter table: dicts unpacked, old names deprecated, typed options."""

import typing
from dataclasses import fields

import numpy as np
import pytest
from conftest import make_info

from mne_coefanim import _api, animate_coefs, plot_coefs
from mne_coefanim._params import (
    DEPRECATED,
    GROUPS,
    PARAMS,
    flatten,
    scene_options,
)

OLD_AND_NEW = [
    (dict(attr="filters_"), dict(coef_params=dict(attr="filters_"))),
    (dict(transform="abs"), dict(coef_params=dict(transform="abs"))),
    (dict(class_idx=1), dict(coef_params=dict(class_idx=1))),
    (dict(class_names=["a", "b"]), dict(coef_params=dict(class_names=["a", "b"]))),
    (dict(train_time=0.1), dict(coef_params=dict(train_time=0.1))),
    (dict(normalize_patterns=True), dict(coef_params=dict(normalize_patterns=True))),
    (dict(components=[0, 1]), dict(coef_params=dict(components=[0, 1]))),
    (dict(align_signs=True), dict(coef_params=dict(align_signs=True))),
    (dict(fmin=8.0), dict(coef_params=dict(fmin=8.0))),
    (dict(fmax=30.0), dict(coef_params=dict(fmax=30.0))),
    (dict(chance=0.5), dict(score_params=dict(chance=0.5))),
    (dict(score_label="AUC"), dict(score_params=dict(label="AUC"))),
    (dict(scoring="roc_auc"), dict(score_params=dict(scoring="roc_auc"))),
    (dict(score_matrix=True), dict(score_params=dict(matrix=True))),
    (dict(score_stats="fdr"), dict(score_params=dict(stats="fdr"))),
    (dict(alpha=0.01), dict(score_params=dict(alpha=0.01))),
    (dict(seed=3), dict(score_params=dict(seed=3))),
    (dict(consistency="t", consistency_display="fade"),
     dict(consistency=dict(kind="t", display="fade"))),
    (dict(mask_dim=0.5), dict(mask_params=dict(dim=0.5))),
    (dict(extrapolated="fade"), dict(beyond_sensors="fade")),
    (dict(border=0.0), dict(beyond_sensors=dict(border=0.0))),
    (dict(freqs=[6.0, 10.0]), dict(coef_params=dict(freqs=[6.0, 10.0]))),
]  # fmt: skip


def test_every_deprecated_name_is_tested():
    tested = {name for old, _ in OLD_AND_NEW for name in old} | {"blit", "exclude"}
    assert tested - {"consistency"} == set(DEPRECATED)


@pytest.mark.parametrize("old, new", OLD_AND_NEW, ids=lambda k: ",".join(k))
def test_old_names_still_work_with_a_future_warning(monkeypatch, old, new):
    monkeypatch.setattr(_api, "_animate", lambda params, **kwargs: params)
    given = animate_coefs(np.zeros((3, 4)), None, **new)
    deprecated = [name for name in old if name in DEPRECATED]
    with pytest.warns(FutureWarning, match=rf"{deprecated[0]} is deprecated") as rec:
        params = animate_coefs(np.zeros((3, 4)), None, **old)
    assert rec[0].filename == __file__  # the user's line
    assert "instead" in str(rec[0].message)
    assert {k: v for k, v in params.items() if k != "data"} == {
        k: v for k, v in given.items() if k != "data"
    }


def test_removed_without_replacement_still_work_for_a_release(monkeypatch):
    monkeypatch.setattr(_api, "_animate", lambda params, **kwargs: params)
    with pytest.warns(FutureWarning, match="blit is deprecated .* always on"):
        assert animate_coefs(np.zeros((3, 4)), blit=False)["blit"] is False
    with pytest.warns(FutureWarning, match="exclude is deprecated .* use picks"):
        assert animate_coefs(np.zeros((3, 4)), exclude=["Fz"])["exclude"] == ["Fz"]


def test_plot_coefs_takes_old_and_new_names(monkeypatch):
    data = np.random.default_rng(0).standard_normal((3, 16))
    with pytest.warns(FutureWarning, match="score_label is deprecated"):
        plot_coefs(data, make_info(n_channels=16), time=[0, 1], score_label="r",
                   res=16, dpi=20, show=False)  # fmt: skip
    monkeypatch.setattr(_api, "_plot_sheet", lambda *args, **kwargs: args[4])
    kwargs = plot_coefs(np.zeros((3, 4)), time=[0, 1], score_params=dict(label="r"))
    assert kwargs == dict(score_params=dict(label="r"))


def test_dicts_are_checked():
    with pytest.raises(ValueError, match="coef_params has no key 'atr'; its keys"):
        flatten(dict(coef_params=dict(atr="filters_")), PARAMS)
    with pytest.raises(TypeError, match="score_params must be a dict or None"):
        flatten(dict(score_params="AUC"), PARAMS)
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        animate_coefs(np.zeros((3, 4)), colour="red")


def test_mask_params_keeps_marker_properties_apart_from_dim():
    params = flatten(dict(mask_params=dict(markersize=3, dim=0.4)), {"mask_params"})
    assert params["mask_params"] == dict(markersize=3)
    assert params["mask_dim"] == 0.4
    assert flatten(dict(mask_params=dict(dim=0.4)), ())["mask_params"] is None


def test_option_objects_are_frozen_and_typed():
    options = scene_options(flatten({}, ()) | dict(data=None, info=None))
    for group, cls in GROUPS.items():
        assert isinstance(getattr(options, group), cls)
        for field in fields(cls):
            assert field.type is PARAMS[field.name].type
    hints = typing.get_type_hints(GROUPS["map"])
    assert hints["res"] is int and hints["extrapolated"] is str
    with pytest.raises(AttributeError):
        options.map.res = 3  # frozen


def test_save_animations_passes_the_old_names_on(tmp_path):
    from mne_coefanim import save_animations

    data = np.random.default_rng(0).standard_normal((3, 16))
    kwargs = dict(info=make_info(n_channels=16), res=16, dpi=20)
    with pytest.warns(FutureWarning, match="extrapolated is deprecated"):
        save_animations([data], [tmp_path / "a.gif"], extrapolated="fade",
                        beyond_sensors="fade", **kwargs)  # fmt: skip
    assert (tmp_path / "a.gif").is_file()
    with pytest.raises(TypeError, match="refused them: .*'colour'"):
        save_animations([data], [tmp_path / "b.gif"], colour="red", **kwargs)
    assert not (tmp_path / "b.gif").exists()  # refused before any job started


def test_one_alpha_for_the_score_test_and_the_agreement_fade():
    params = flatten(dict(score_params=dict(alpha=0.01),
                          consistency=dict(kind="t", alpha=0.01)), ())  # fmt: skip
    assert params["alpha"] == 0.01
    with pytest.raises(ValueError, match="score_params and consistency both set alpha"):
        flatten(dict(score_params=dict(alpha=0.01),
                     consistency=dict(kind="t", alpha=0.05)), ())  # fmt: skip


def test_beyond_sensors_takes_a_display_or_a_dict_with_border():
    assert flatten(dict(beyond_sensors="hide"), {"beyond_sensors"})["extrapolated"] == (
        "hide"
    )
    params = flatten(dict(beyond_sensors=dict(border=0.5)), {"beyond_sensors"})
    assert (params["extrapolated"], params["border"]) == ("show", 0.5)
    with pytest.raises(ValueError, match="beyond_sensors has no key 'value'; its keys "
                       "are 'display', 'border'"):  # fmt: skip
        flatten(dict(beyond_sensors=dict(value=0)), {"beyond_sensors"})
    with pytest.raises(ValueError, match=r"beyond_sensors must be one of 'show', "
                       r"'fade', 'hide'; got True"):  # fmt: skip
        animate_coefs(np.zeros((3, 4)), None, beyond_sensors=True)
