"""Docstrings: written once, filled everywhere, numpydoc on every public name."""

import inspect

import pytest

import mne_coefanim
from mne_coefanim._docs import docdict, fill_doc

PUBLIC = [getattr(mne_coefanim, name) for name in mne_coefanim.__all__]


def _public_callables():
    for obj in PUBLIC:
        yield obj
        if inspect.isclass(obj):
            for name, member in vars(obj).items():
                if not name.startswith("_") and callable(member):
                    yield member


@pytest.mark.parametrize("obj", list(_public_callables()), ids=lambda o: o.__qualname__)
def test_public_docstrings_are_filled_numpydoc(obj):
    doc = inspect.getdoc(obj)
    assert doc, f"{obj.__qualname__} has no docstring"
    assert "%(" not in doc, f"{obj.__qualname__} has an unfilled entry"
    if inspect.isclass(obj):  # returned to users, described by attributes
        assert "Attributes\n----------" in doc or "Parameters\n----------" in doc
    elif inspect.signature(obj).parameters.keys() - {"self"}:
        assert "Parameters\n----------" in doc


def test_every_parameter_of_animate_coefs_is_documented():
    doc = inspect.getdoc(mne_coefanim.animate_coefs)
    documented = set()
    for line in doc.split("\n"):
        if line and not line.startswith(" ") and line[0].isalpha():
            documented.update(n.strip() for n in line.split(" :")[0].split(","))
    assert set(inspect.signature(mne_coefanim.animate_coefs).parameters) <= documented


def test_fill_doc_indents_entries_and_leaves_unknown_ones():
    def func():
        """Parameters
        ----------
        %(fps)s
        %(verbose)s
        """

    filled = fill_doc(func).__doc__
    first, *rest = docdict["fps"].strip("\n").split("\n")
    assert f"        {first}\n" in filled
    assert all(f"        {line}" in filled for line in rest if line)
    assert "%(verbose)s" in filled  # MNE's verbose decorator fills it


@pytest.mark.parametrize(
    "option, name",
    [("--fps", "fps"), ("--dpi", "dpi"), ("--res", "res"),
     ("--image-interp", "image_interp"), ("--extrapolate", "extrapolate"),
     ("--title", "title"), ("--time-unit", "time_unit")],
)  # fmt: skip
def test_cli_help_says_what_python_says(capsys, option, name):
    from conftest import option_helps

    from mne_coefanim._docs import summary

    assert option_helps(capsys, "render")[option].startswith(summary(name))


def test_summary_is_plain_text():
    from mne_coefanim._docs import summary

    assert summary("image_interp") == (
        "interpolation between sensors, as in mne.viz.plot_topomap"
    )


def test_summary_does_not_stop_at_eg():
    from mne_coefanim._docs import summary

    assert summary("score_label").endswith("(e.g. 'AUC'), else 'Score'")
