"""A wall clock burned into the picture as big black/white blocks, and its decoders (Python and JS).

Pure code: bytes in, bytes out. The layout is fixed relative to the picture size, so a scaled rendition
still decodes. 3 rows × 20 columns of blocks, each block 1/20 of the width and 1/11 of the height
(16×16 px, macroblock-aligned, at 320×180), starting on block row 4:

    8-bit start marker 10110010 · 44-bit Unix time in ms (MSB first) · 8-bit CRC-8 of those 44 bits

x264 at any sane bitrate keeps 16 px flat blocks intact; the CRC rejects frames caught mid-transition.
"""

from __future__ import annotations

WIDTH = 320
HEIGHT = 180
COLUMNS = 20
GRID_ROWS = 11
FIRST_ROW = 4
ROWS = 3
MARKER = (1, 0, 1, 1, 0, 0, 1, 0)
TIME_BITS = 44
CRC_BITS = 8
BACKGROUND = 128
BLACK = 16
WHITE = 235


def crc8(value: int, bits: int = TIME_BITS) -> int:
    """CRC-8 (polynomial 0x07) over `bits` bits of `value`, MSB first."""
    crc = 0
    for i in range(bits - 1, -1, -1):
        bit = (value >> i) & 1
        top = (crc >> 7) & 1
        crc = (crc << 1) & 0xFF
        if top ^ bit:
            crc ^= 0x07
    return crc


def clock_bits(ms: int) -> list[int]:
    if not 0 <= ms < 1 << TIME_BITS:
        raise ValueError(f"time out of range: {ms}")
    value_bits = [(ms >> i) & 1 for i in range(TIME_BITS - 1, -1, -1)]
    crc = crc8(ms)
    crc_bits = [(crc >> i) & 1 for i in range(CRC_BITS - 1, -1, -1)]
    return [*MARKER, *value_bits, *crc_bits]


def bits_to_ms(bits: list[int]) -> int | None:
    """The time in ms, or None if the marker or CRC does not match."""
    if len(bits) != COLUMNS * ROWS or tuple(bits[: len(MARKER)]) != MARKER:
        return None
    value = 0
    for bit in bits[len(MARKER) : len(MARKER) + TIME_BITS]:
        value = value << 1 | bit
    crc = 0
    for bit in bits[len(MARKER) + TIME_BITS :]:
        crc = crc << 1 | bit
    return value if crc8(value) == crc else None


def _block_box(index: int, width: int, height: int) -> tuple[int, int, int, int]:
    row, column = divmod(index, COLUMNS)
    x0 = column * width // COLUMNS
    x1 = (column + 1) * width // COLUMNS
    y0 = (FIRST_ROW + row) * height // GRID_ROWS
    y1 = (FIRST_ROW + row + 1) * height // GRID_ROWS
    return x0, y0, x1, y1


def render_gray_frame(ms: int, width: int = WIDTH, height: int = HEIGHT) -> bytes:
    """One 8-bit gray frame (rawvideo `gray`) showing the clock `ms`."""
    frame = bytearray([BACKGROUND]) * (width * height)
    for index, bit in enumerate(clock_bits(ms)):
        x0, y0, x1, y1 = _block_box(index, width, height)
        row_bytes = bytes([WHITE if bit else BLACK]) * (x1 - x0)
        for y in range(y0, y1):
            frame[y * width + x0 : y * width + x1] = row_bytes
    return bytes(frame)


def decode_gray(plane: bytes, width: int, height: int, stride: int | None = None) -> int | None:
    """Read the clock from an 8-bit luma plane (center 50 % of each block, averaged, threshold at mid)."""
    stride = stride or width
    bits: list[int] = []
    for index in range(COLUMNS * ROWS):
        x0, y0, x1, y1 = _block_box(index, width, height)
        qx, qy = (x1 - x0) // 4, (y1 - y0) // 4
        total = count = 0
        for y in range(y0 + qy, y1 - qy):
            row = plane[y * stride + x0 + qx : y * stride + x1 - qx]
            total += sum(row)
            count += len(row)
        bits.append(1 if count and total / count > (BLACK + WHITE) / 2 else 0)
    return bits_to_ms(bits)


JS_DECODER = f"""
(() => {{
  const COLUMNS = {COLUMNS}, GRID_ROWS = {GRID_ROWS}, FIRST_ROW = {FIRST_ROW}, ROWS = {ROWS};
  const MARKER = {list(MARKER)}, TIME_BITS = {TIME_BITS};
  const THRESHOLD = {(BLACK + WHITE) / 2};
  const crc8 = (bits) => {{
    let crc = 0;
    for (const bit of bits) {{
      const top = (crc >> 7) & 1;
      crc = (crc << 1) & 0xff;
      if (top ^ bit) crc ^= 0x07;
    }}
    return crc;
  }};
  window.__readClock = () => {{
    const video = document.querySelector('video');
    if (!video || video.readyState < 2 || !video.videoWidth) return {{ error: 'no video frame' }};
    const w = video.videoWidth, h = video.videoHeight;
    const canvas = window.__clockCanvas || (window.__clockCanvas = document.createElement('canvas'));
    canvas.width = w; canvas.height = h;
    const ctx = canvas.getContext('2d', {{ willReadFrequently: true }});
    ctx.drawImage(video, 0, 0, w, h);
    const now = Date.now();
    const data = ctx.getImageData(0, 0, w, h).data;
    const bits = [];
    for (let index = 0; index < COLUMNS * ROWS; index++) {{
      const row = Math.floor(index / COLUMNS), column = index % COLUMNS;
      const x0 = Math.floor(column * w / COLUMNS), x1 = Math.floor((column + 1) * w / COLUMNS);
      const y0 = Math.floor((FIRST_ROW + row) * h / GRID_ROWS);
      const y1 = Math.floor((FIRST_ROW + row + 1) * h / GRID_ROWS);
      const qx = Math.floor((x1 - x0) / 4), qy = Math.floor((y1 - y0) / 4);
      let total = 0, count = 0;
      for (let y = y0 + qy; y < y1 - qy; y++) {{
        for (let x = x0 + qx; x < x1 - qx; x++) {{
          const p = (y * w + x) * 4;
          total += 0.299 * data[p] + 0.587 * data[p + 1] + 0.114 * data[p + 2];
          count++;
        }}
      }}
      bits.push(count && total / count > THRESHOLD ? 1 : 0);
    }}
    const buffered = video.buffered.length ? video.buffered.end(video.buffered.length - 1) : 0;
    const base = {{ now, currentTime: video.currentTime, bufferedAhead: buffered - video.currentTime,
                   playbackRate: video.playbackRate, paused: video.paused }};
    for (let i = 0; i < MARKER.length; i++) {{
      if (bits[i] !== MARKER[i]) return {{ ...base, error: 'no marker' }};
    }}
    const valueBits = bits.slice(MARKER.length, MARKER.length + TIME_BITS);
    let value = 0;
    for (const bit of valueBits) value = value * 2 + bit;
    let crc = 0;
    for (const bit of bits.slice(MARKER.length + TIME_BITS)) crc = crc * 2 + bit;
    if (crc8(valueBits) !== crc) return {{ ...base, error: 'crc mismatch' }};
    return {{ ...base, clock: value, latencyMs: now - value }};
  }};
}})();
"""
"""Installs `window.__readClock()` in a page: draws the `<video>` to a canvas and decodes the clock."""
