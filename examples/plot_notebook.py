"""
Show an animation inline in a Jupyter notebook
==============================================

In Jupyter, end a cell with the animation and it plays in the notebook: the
notebook asks the object for HTML (its ``_repr_html_``) and gets the
interactive viewer, the same as :meth:`~mne_coefanim.CoefAnimation.save`
writes for ``.html``: the frames of the GIF drawn on a canvas, with
play/pause (space, or a click on the map), stepping (arrow keys), a time
slider, and the nearest channel's value on hovering. It needs no running
kernel and no network access, so it still plays in a notebook exported to
HTML.

The frames are stored in the notebook, so their size matters: 145 frames of
one 64-channel map at the default ``dpi=100`` take about 2.5 MB.
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
    units="µV / SD",
    title="Patterns, mean over 8 subjects",
    res=64,
    dpi=60,
    show=False,
)

# %%
# In a notebook, this is all it takes, as the last line of a cell: the
# viewer below is what the notebook shows (this page is built the same way).
anim

# %%
# The notebook stores the frames: here is how much.
html = anim._repr_html_()
print(f"{len(anim)} frames -> {len(html) / 1e6:.2f} MB of HTML")

# %%
# To show it from the middle of a cell (e.g. in a loop), hand the HTML to
# IPython, which comes with Jupyter::
#
#     from IPython.display import HTML, display
#     display(HTML(html))
