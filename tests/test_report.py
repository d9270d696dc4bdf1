import re

import mne
import pytest
from conftest import small_animation

from mne_coefanim.io._inline import add_to_report

N_FRAMES = 6
VIEWER = re.compile(r"data-coefanim-viewer data-n-frames")
FPS = re.compile(r'"fps":([\d.]+)')


@pytest.fixture(scope="module")
def anim():
    """One small animation for the module (building it is the slow part)."""
    return small_animation(N_FRAMES)


def test_add_to_report_embeds_the_viewer(anim, tmp_path, capsys):
    report = mne.Report(title="Decoding")
    add_to_report(report, anim, title="Patterns", section="Group", tags=("anim",))
    report.save(tmp_path / "report.html", open_browser=False, verbose=False)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert len(VIEWER.findall(html)) == 1
    # centred, as the report's figures are
    assert "<div style=\"display: flex; justify-content: center\"><div class='cav'" in (
        html
    )
    assert "Patterns" in html and "Group" in html
    assert 'data-mne-tag="anim"' in html
    assert "Saving" not in capsys.readouterr().out  # no temporary file logged


def test_method_and_replace(anim, tmp_path):
    report = mne.Report()
    anim.add_to_report(report, title="Patterns", dpi=30)
    anim.add_to_report(report, title="Patterns", dpi=30)  # a duplicate entry
    anim.add_to_report(report, title="Again", fps=5, dpi=30)
    anim.add_to_report(report, title="Again", fps=5, dpi=30, replace=True)
    report.save(tmp_path / "r.html", open_browser=False, verbose=False)
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert len(VIEWER.findall(html)) == 3  # "Patterns" twice, "Again" replaced
    assert [float(f) for f in FPS.findall(html)] == [10.0, 10.0, 5.0]


def test_add_to_report_errors(anim):
    report = mne.Report()
    with pytest.raises(TypeError, match="report must be an mne.Report; got str"):
        add_to_report("report.html", anim, title="x")
    with pytest.raises(TypeError, match="anim must be a CoefAnimation"):
        add_to_report(report, anim.fig, title="x")
    with pytest.raises(TypeError, match="title must be a str; got int"):
        add_to_report(report, anim, title=3)
    with pytest.raises(ValueError, match="fps must be > 0"):
        add_to_report(report, anim, title="x", fps=0)
    with pytest.raises(TypeError, match="dpi must be a number; got str"):
        add_to_report(report, anim, title="x", dpi="high")
