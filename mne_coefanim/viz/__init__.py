"""Colours: the colour tables (to move into scene/)."""
