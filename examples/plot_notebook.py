"""
Show an animation inline in a Jupyter notebook
==============================================

In Jupyter, end a cell with the animation and it plays in the notebook: the
notebook asks the object for HTML (its ``_repr_html_``) and gets an ``<img>``
holding the very GIF that :meth:`~mne_coefanim.CoefAnimation.save` writes,
base64-encoded in the page. It needs neither a running kernel nor
JavaScript, so it still plays in a notebook exported to HTML, on nbviewer
and on GitHub.

The GIF is stored in the notebook, so its size matters: 145 frames of one
64-channel map at the default ``dpi=100`` take about 3 MB (4 MB with a
score panel). A bigger animation, e.g. several panels side by side, is
rendered at a lower dpi to stay near 5 MB.
"""

# %%
import mne_coefanim

study = mne_coefanim.load_demo()
anim = mne_coefanim.animate_coefs(
    study.normalized_patterns * 1e6,  # volts to µV
    study.info,
    times=study.times,
    dims=study.dims,
    tmin=0.0,
    tmax=0.5,
    units="µV",
    title="Patterns, mean over 8 subjects",
    res=64,
    dpi=60,
    show=False,
)

# %%
# In a notebook, this is all it takes, as the last line of a cell::
#
#     anim
#
# Here we ask for the HTML ourselves, to see what the notebook will store.
html = anim._repr_html_()
print(f"{len(anim)} frames -> {len(html) / 1e6:.2f} MB of HTML")

# %%
# To show it from the middle of a cell (e.g. in a loop), hand the HTML to
# IPython. IPython comes with Jupyter; this example also runs without it.
try:
    from IPython.display import HTML, display
except ImportError:
    print("IPython is not installed: open notebook_preview.html instead.")
else:
    display(HTML(html))

# %%
# The same ``<img>`` works in any web page.
with open("notebook_preview.html", "w", encoding="utf-8") as fid:
    fid.write(f"<!DOCTYPE html>\n<html><body>\n{html}\n</body></html>\n")
