"""Interpolation: sensor values onto the scalp image, as one sparse operator."""
