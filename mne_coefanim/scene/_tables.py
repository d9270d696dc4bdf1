"""The colour tables of the maps: shared or per panel, and their dimmed twins."""

from .._checks import check_real
from ..viz._colors import N_LEVELS, ColorTable, default_cmap, resolve_vlim

MIN_PANEL_LEVELS = 8  # with vlim='each', the fewest colours a panel may get


def check_mask_dim(mask_dim, masks):
    if mask_dim is None:
        return None
    if masks is None:
        raise ValueError("mask_dim needs a mask: pass mask= as well.")
    value = check_real("mask_dim", mask_dim)
    if not 0 < value <= 1:
        raise ValueError(f"mask_dim must be in (0, 1]; got {mask_dim}.")
    return value


def faded_twins(tables, mask_dim):
    """Dimmed copies of the tables, their levels after all of the tables'."""
    if mask_dim is None:
        return []
    start = sum(table.n_levels for table in tables)
    twins, offset = [], start
    for table in tables:
        twins.append(table.faded(mask_dim, offset))
        offset += table.n_levels
    return twins


def color_tables(values, vlim, cmap, cnorm, halve=False):
    """One colour table for all panels, or with ``vlim='each'`` one per panel.

    Per-panel tables split the palette's map colours between them, each
    starting where the previous one ends.
    """
    if not isinstance(vlim, str):
        vmin, vmax = resolve_vlim(values, vlim, cnorm)
        cmap = default_cmap(vmin, vmax) if cmap is None else cmap
        n_levels = N_LEVELS // 2 if halve else N_LEVELS
        return [ColorTable.create(cmap, vmin, vmax, cnorm, n_levels=n_levels)]
    if vlim != "each":
        raise ValueError(
            f"vlim must be a tuple (vmin, vmax) of numbers or None, or 'each' "
            f"(limits per panel); got {vlim!r}."
        )
    n_levels = N_LEVELS // len(values) // (2 if halve else 1)
    if n_levels < MIN_PANEL_LEVELS:
        raise ValueError(
            f"vlim='each' splits {N_LEVELS} colours between the panels, at least "
            f"{MIN_PANEL_LEVELS} each; {len(values)} panels are too many. Use at "
            f"most {N_LEVELS // MIN_PANEL_LEVELS} panels or shared limits."
        )
    tables = []
    for k, panel_values in enumerate(values):
        vmin, vmax = resolve_vlim(panel_values, (None, None), cnorm)
        panel_cmap = default_cmap(vmin, vmax) if cmap is None else cmap
        table = ColorTable.create(
            panel_cmap, vmin, vmax, cnorm, n_levels=n_levels, offset=k * n_levels
        )
        tables.append(table)
    return tables
