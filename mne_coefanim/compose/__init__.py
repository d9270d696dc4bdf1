"""The fast compositor: frames without redrawing (see ``_compose``'s docstring)."""
