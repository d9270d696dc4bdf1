"""Pictures of the time label's characters, drawn once for every frame.

The label is right-aligned in fixed slots of a monospace font; each (slot,
character) it ever shows is drawn alone, once, by matplotlib at the output
dpi: exactly what the figure draws there. Frames then paste the pictures.
"""

from itertools import pairwise

import numpy as np
from matplotlib.transforms import Bbox


def label_sprites(label, texts, canvas):
    """Draw each (slot, character) of the time label once, alone.

    Returns ``{(slot, char): (rows, cols, rgba)}``: the pixel box of the
    character's picture and the straight-alpha RGBA picture itself, exactly
    what the figure draws for that slot.
    """
    renderer = canvas.get_renderer()
    height = int(renderer.height)
    needed = {
        (slot, char)
        for text in texts
        for slot, char in enumerate(text.rjust(label.width))
        if not char.isspace()
    }
    slots = label.slot_texts()
    sprites = {}
    # search each picture only near the label (not the whole canvas)
    for artist in slots:
        artist.set_text("8")
    box = Bbox.union([s.get_window_extent(renderer) for s in slots]).padded(8)
    top = max(height - int(np.ceil(box.y1)), 0)
    left = max(int(box.x0), 0)
    near = (slice(top, max(height - int(box.y0), top)),
            slice(left, max(int(np.ceil(box.x1)), left)))  # fmt: skip
    for slot, char in sorted(needed):
        artist = slots[slot]
        artist.set_text(char)
        renderer.clear()
        artist.draw(renderer)
        layer = np.asarray(renderer.buffer_rgba())
        ys, xs = np.nonzero(layer[near][..., 3])
        if not ys.size:
            continue
        rows = slice(top + ys.min(), top + ys.max() + 1)
        cols = slice(left + xs.min(), left + xs.max() + 1)
        sprites[slot, char] = (rows, cols, layer[rows, cols].copy())
    return sprites


def slots_overlap(sprites):
    """Whether pictures of characters in different slots may share pixels.

    The slots share a baseline: pictures whose columns meet overlap.
    """
    spans = {}  # per slot, the columns its pictures may take
    for (slot, _), (_, cols, _) in sprites.items():
        low, high = spans.get(slot, (cols.start, cols.stop))
        spans[slot] = (min(low, cols.start), max(high, cols.stop))
    ordered = [spans[slot] for slot in sorted(spans)]
    return any(a[1] > b[0] for a, b in pairwise(ordered))


def union_box(boxes):
    """Return the (rows, cols) slices covering all boxes."""
    if not boxes:
        return slice(0, 0), slice(0, 0)
    return (
        slice(min(b[0].start for b in boxes), max(b[0].stop for b in boxes)),
        slice(min(b[1].start for b in boxes), max(b[1].stop for b in boxes)),
    )


def paste(box, sprites):
    """Composite sprites (alpha over, in order) into one RGBA picture."""
    rows, cols = box
    shape = (rows.stop - rows.start, cols.stop - cols.start)
    premultiplied = np.zeros((*shape, 3), np.float32)
    alpha = np.zeros((*shape, 1), np.float32)
    for sprite_rows, sprite_cols, picture in sprites:
        where = (
            slice(sprite_rows.start - rows.start, sprite_rows.stop - rows.start),
            slice(sprite_cols.start - cols.start, sprite_cols.stop - cols.start),
        )
        a = picture[..., 3:] / np.float32(255)
        premultiplied[where] = picture[..., :3] * a + premultiplied[where] * (1 - a)
        alpha[where] = a + alpha[where] * (1 - a)
    rgb = np.divide(premultiplied, alpha, out=np.zeros_like(premultiplied),
                    where=alpha > 0)  # fmt: skip
    return np.concatenate([rgb, alpha * 255], axis=-1).round().astype(np.uint8)
