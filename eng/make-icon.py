#!/usr/bin/env python3
"""Draws the packages' icon (docs/icon.png, 128x128 RGBA): a speaking head on a rounded tile. Standard library only."""
import struct, zlib, math, sys

S = 128
def inside_rounded(x, y, r=22):
    cx = min(max(x, r), S - 1 - r); cy = min(max(y, r), S - 1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r

rows = []
for y in range(S):
    row = bytearray([0])
    for x in range(S):
        if not inside_rounded(x, y):
            row += bytes([0, 0, 0, 0]); continue
        t = y / S
        r, g, b = int(40 + 30 * t), int(70 + 40 * t), int(160 + 60 * t)
        head = (x - 56) ** 2 + (y - 52) ** 2 <= 20 ** 2
        body = (x - 56) ** 2 / 34 ** 2 + (y - 112) ** 2 / 30 ** 2 <= 1 and y < 118
        d = math.hypot(x - 56, y - 52)
        wave = any(abs(d - rr) < 2.2 for rr in (32, 42, 52)) and x > 78 and abs(y - 52) < (x - 56) * 0.8
        if head or body or wave:
            r, g, b = 245, 247, 252
        row += bytes([r, g, b, 255])
    rows.append(bytes(row))

def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", S, S, 8, 6, 0, 0, 0)) \
    + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b"")
open(sys.argv[1] if len(sys.argv) > 1 else "docs/icon.png", "wb").write(png)
