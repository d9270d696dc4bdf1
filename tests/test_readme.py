"""The README's Python snippets run as written, twice in a row."""

import re
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
SNIPPETS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_readme_has_snippets():
    assert len(SNIPPETS) >= 2


@pytest.mark.slow  # trains and renders a few small animations
@pytest.mark.parametrize("index", range(len(SNIPPETS)))
def test_readme_snippet_runs_twice(index, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for _ in range(2):  # users iterate: the second run must not fail either
        exec(compile(SNIPPETS[index], f"README snippet {index}", "exec"), {})
        plt.close("all")
    assert any(tmp_path.iterdir())
