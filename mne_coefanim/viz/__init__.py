"""Rendering: colours, the figure drawn once, frames composed without redrawing."""
