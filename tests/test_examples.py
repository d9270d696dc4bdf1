"""Run every examples/plot_*.py top to bottom, as a user would."""

import runpy
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("plot_*.py"))


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs(script, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(script), run_name="__main__")
    written = sorted(p.suffix for p in tmp_path.iterdir())
    assert written, f"{script.name} wrote no file"
    for gif in tmp_path.glob("*.gif"):
        assert gif.read_bytes()[:6] == b"GIF89a"
