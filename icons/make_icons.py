#!/usr/bin/env python3
"""Draws Weft's application icon and writes the PNG sizes Tauri's bundler wants.

A rounded square with three warp threads (vertical) and three weft threads
(horizontal) woven over and under each other. Standard library only (zlib and
struct write the PNG), so `python3 icons/make_icons.py` reproduces the committed
files byte for byte.
"""

import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))

BACKGROUND = (30, 36, 64)  # deep indigo
WARP = (94, 196, 182)  # teal, vertical threads
WEFT = (242, 178, 72)  # amber, horizontal threads
EDGE = (18, 22, 40)  # the gap drawn round a thread that lies on top

CORNER = 0.2  # corner radius, as a fraction of the side
THREADS = (0.28, 0.5, 0.72)  # thread centres, as fractions of the side
HALF_WIDTH = 0.075  # half a thread's width
GAP = 0.022  # the dark outline that shows which thread is on top
SUBSAMPLES = 4  # per axis, for anti-aliased edges

# 16 to 512: each size the hicolor theme of a Linux desktop looks in (the .deb installs them all).
SIZES = {
    "16x16.png": 16,
    "24x24.png": 24,
    "32x32.png": 32,
    "48x48.png": 48,
    "64x64.png": 64,
    "128x128.png": 128,
    "128x128@2x.png": 256,
    "256x256.png": 256,
    "icon.png": 512,
}


def inside_rounded_square(x, y):
    """True when (x, y), both in [0, 1], lies inside the rounded square."""
    margin = 0.04
    lo, hi = margin + CORNER, 1 - margin - CORNER
    if x < margin or x > 1 - margin or y < margin or y > 1 - margin:
        return False
    cx = min(max(x, lo), hi)
    cy = min(max(y, lo), hi)
    return (x - cx) ** 2 + (y - cy) ** 2 <= CORNER**2


def thread_at(coordinate, reach):
    """Index of the thread whose band (centre ± reach) holds `coordinate`, or None."""
    for index, centre in enumerate(THREADS):
        if abs(coordinate - centre) <= reach:
            return index
    return None


def colour_at(x, y):
    """The RGBA colour of one sample point."""
    if not inside_rounded_square(x, y):
        return (0, 0, 0, 0)
    column = thread_at(x, HALF_WIDTH)
    row = thread_at(y, HALF_WIDTH)
    if column is not None and row is not None:
        # Plain weave: where they cross, warp lies on top when row + column is even.
        return WARP + (255,) if (row + column) % 2 == 0 else WEFT + (255,)
    # Next to a crossing, draw the outline of whichever thread lies on top.
    column_edge = thread_at(x, HALF_WIDTH + GAP)
    row_edge = thread_at(y, HALF_WIDTH + GAP)
    if column is not None:
        if row_edge is not None and (row_edge + column) % 2 == 1:
            return EDGE + (255,)
        return WARP + (255,)
    if row is not None:
        if column_edge is not None and (row + column_edge) % 2 == 0:
            return EDGE + (255,)
        return WEFT + (255,)
    return BACKGROUND + (255,)


def render(size):
    """Rows of RGBA bytes for a `size`×`size` icon, each pixel averaged over subsamples."""
    rows = []
    step = 1.0 / (size * SUBSAMPLES)
    n_samples = SUBSAMPLES * SUBSAMPLES
    for py in range(size):
        row = bytearray()
        for px in range(size):
            red = green = blue = alpha = 0
            for sy in range(SUBSAMPLES):
                y = (py * SUBSAMPLES + sy + 0.5) * step
                for sx in range(SUBSAMPLES):
                    x = (px * SUBSAMPLES + sx + 0.5) * step
                    r, g, b, a = colour_at(x, y)
                    red += r * a
                    green += g * a
                    blue += b * a
                    alpha += a
            if alpha:
                row += bytes((red // alpha, green // alpha, blue // alpha, alpha // n_samples))
            else:
                row += b"\0\0\0\0"
        rows.append(bytes(row))
    return rows


def png_bytes(size, rows):
    """A PNG file (8-bit RGBA, no filtering) holding `rows`."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    raw = b"".join(b"\0" + row for row in rows)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def main():
    for name, size in SIZES.items():
        path = os.path.join(HERE, name)
        with open(path, "wb") as out:
            out.write(png_bytes(size, render(size)))
        print(f"wrote {path} ({size}x{size})")


if __name__ == "__main__":
    main()
