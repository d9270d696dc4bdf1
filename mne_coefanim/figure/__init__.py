"""The figure: the animation's figure drawn once, the score panel, the sheet."""
