"""``import mne_coefanim`` and the command's parser stay light.

The public names load on first use (PEP 562 ``__getattr__`` in the package's
``__init__``): matplotlib's pyplot, SciPy's heavy subpackages and MNE load
only when a function needs them. Each check runs in a fresh interpreter, as a
user's first keystroke does; nothing here is timed.
"""

import ast
import json
import pathlib
import subprocess
import sys

import pytest

import mne_coefanim

HEAVY = ("matplotlib.pyplot", "scipy.stats", "scipy.spatial", "scipy.sparse", "mne")


def _fresh(code):
    """Run ``code`` in a fresh interpreter; return the heavy modules it loaded."""
    probe = f"import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    loaded = set(json.loads(out.splitlines()[-1]))
    return sorted(loaded & set(HEAVY))


def test_import_loads_nothing_heavy():
    assert _fresh("import mne_coefanim") == []


def test_public_names_resolve_on_first_use():
    code = (
        "import mne_coefanim\n"
        "assert callable(mne_coefanim.animate_coefs)\n"
        "from mne_coefanim import significance_mask\n"
        "assert significance_mask.__module__ == 'mne_coefanim.stats._masks'"
    )
    assert "mne" in _fresh(code)  # loaded now, by the modules that need it


def test_cli_parser_builds_without_heavy_imports():
    code = (
        "from mne_coefanim.cli._parser import build_parser\n"
        "build_parser().format_help()\n"
        "import mne_coefanim.cli._main"
    )
    assert _fresh(code) == []


def test_every_public_name_is_lazy_and_listed():
    lazy = mne_coefanim._LAZY
    assert sorted(lazy) == sorted(mne_coefanim.__all__)
    for name in mne_coefanim.__all__:
        assert getattr(mne_coefanim, name).__name__ == name
        assert name in dir(mne_coefanim)
    assert "__version__" in dir(mne_coefanim)
    with pytest.raises(AttributeError, match="not_a_name"):
        mne_coefanim.not_a_name  # noqa: B018


def test_type_checking_imports_match_the_lazy_table():
    """The ``TYPE_CHECKING`` imports (what the layer checks read) are the table."""
    init = pathlib.Path(mne_coefanim.__file__)
    imported = {}
    for node in ast.walk(ast.parse(init.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            for alias in node.names:
                imported[alias.name] = f".{node.module}"
    assert imported == mne_coefanim._LAZY
