"""figure/_parts.py: the head outline, the time labels, colour bars that fit."""

import numpy as np
from test_reference import assert_composed_equals_drawn

from mne_coefanim.figure._parts import fewest_decimals, head_outlines, time_labels


def test_head_outline_geometry():
    sphere = np.array([0.01, -0.02, 0.0, 0.09])
    outlines = head_outlines(sphere)
    assert set(outlines) == {"head", "nose", "ear_left", "ear_right"}
    head_x, head_y = outlines["head"]
    # a closed circle of the sphere's radius around its centre
    np.testing.assert_allclose(np.hypot(head_x - 0.01, head_y + 0.02), 0.09)
    assert np.isclose(head_x[0], head_x[-1]) and np.isclose(head_y[0], head_y[-1])
    # the nose points up (+y), centred, 15 % beyond the head
    nose_x, nose_y = outlines["nose"]
    assert np.isclose(nose_x[1], 0.01)
    assert np.isclose(nose_y[1], -0.02 + 1.15 * 0.09)
    # the ears mirror each other left and right of the centre
    left_x, left_y = outlines["ear_left"]
    right_x, right_y = outlines["ear_right"]
    np.testing.assert_allclose(left_x - 0.01, -(right_x - 0.01))
    np.testing.assert_allclose(left_y, right_y)
    assert right_x.min() > 0.01 + 0.9 * 0.09


def test_fewest_decimals_and_time_labels():
    # the search the time labels and the viewer's #t= values share
    assert fewest_decimals(0, 9, lambda decimals: decimals >= 2) == 2
    assert fewest_decimals(3, 12, lambda decimals: False) == 12
    assert time_labels([0.0, 0.0005, 0.001], "s") == ["0.0000 s", "0.0005 s",
                                                      "0.0010 s"]  # fmt: skip
    assert time_labels([0.0, 0.01], "ms") == ["0 ms", "10 ms"]
    assert time_labels([0, 3], "sample") == ["sample 0", "sample 3"]


def test_wide_colorbar_labels_fit_in_the_figure(info16):
    """Wide tick labels (-0.0005) and a unit stay inside the animation and the sheet."""
    import mne_coefanim as mc

    data = np.random.default_rng(0).standard_normal((3, 16)) * 5e-4
    times = np.arange(3) / 100
    anim = mc.animate_coefs(data, info16, times=times, units="a.u.", res=32, dpi=50,
                            show=False, verbose=False)  # fmt: skip
    sheet = mc.plot_coefs(data, info16, time=[0.0, 0.02], times=times, units="a.u.",
                          res=32, show=False, verbose=False)  # fmt: skip
    for fig, bar in ((anim.fig, anim.colorbars[0]), (sheet, sheet.axes[-1])):
        fig.canvas.draw()  # places the label beside the tick labels
        renderer = fig.canvas.get_renderer()
        ax = getattr(bar, "ax", bar)
        label = ax.yaxis.label
        assert label.get_text() == "a.u."
        assert label.get_window_extent(renderer).x1 <= fig.bbox.width
        ticks = [t for t in ax.get_yticklabels() if t.get_text()]
        assert max(t.get_window_extent(renderer).x1 for t in ticks) <= fig.bbox.width
    # the widened animation's frames are still the reference's
    assert_composed_equals_drawn(anim)
