# Writes the MonkData test fixtures and expected.json (run from this folder:
# `python3 make_fixtures.py`; Pillow 11+, zlib). PNG pixels follow formulas the Swift tests
# recompute independently; JPEG (lossy) expectations are Pillow's own decode of the same files.
import json, random, struct, zlib
from PIL import Image

W, H = 7, 5  # odd sizes catch row-stride mistakes

def v8(x, y, c):
    return (x * 37 + y * 91 + c * 53) % 256

def v16(x, y, c):
    return (x * 4099 + y * 12289 + c * 977 + 5) % 65536

def png_raw(path, width, height, color_type, bit_depth, rows):
    """Writes a PNG by hand (filter 0 on every row) for formats Pillow cannot write."""
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    raw = b"".join(b"\x00" + r for r in rows)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))

def png_adam7(path, width, height, pixel):
    """Writes an 8-bit RGB Adam7-interlaced PNG by hand; pixel(x, y) -> bytes."""
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    raw = b""
    for x0, y0, dx, dy in [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]:
        xs, ys = range(x0, width, dx), range(y0, height, dy)
        if len(xs) and len(ys):
            raw += b"".join(b"\x00" + b"".join(pixel(x, y) for x in xs) for y in ys)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 1)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))

def image(mode, channels):
    im = Image.new(mode, (W, H))
    for y in range(H):
        for x in range(W):
            px = tuple(v8(x, y, c) for c in range(channels))
            im.putpixel((x, y), px[0] if channels == 1 else px)
    return im

# 8-bit PNGs written by Pillow.
image("L", 1).save("gray8.png")
la = Image.merge("LA", (image("L", 1), Image.new("L", (W, H), 77)))
la.save("gray_alpha8.png")
image("RGB", 3).save("rgb8.png")
rgba = image("RGB", 3).convert("RGBA"); rgba.putalpha(Image.new("L", (W, H), 10)); rgba.save("rgba8.png")
# Palette: index (x + 2y) % 6 into colours (40i, 255-30i, 7i+1).
pal = Image.new("P", (W, H))
pal.putpalette([c for i in range(6) for c in (40 * i, 255 - 30 * i, 7 * i + 1)])
for y in range(H):
    for x in range(W):
        pal.putpixel((x, y), (x + 2 * y) % 6)
pal.save("palette8.png")
# 1-bit gray: on where (x + y) is even.
one = Image.new("1", (W, H))
for y in range(H):
    for x in range(W):
        one.putpixel((x, y), 1 if (x + y) % 2 == 0 else 0)
one.save("gray1.png")
# 16-bit PNGs written by hand (big-endian samples).
png_raw("gray16.png", W, H, 0, 16, [b"".join(struct.pack(">H", v16(x, y, 0)) for x in range(W)) for y in range(H)])
png_raw("rgb16.png", W, H, 2, 16, [b"".join(struct.pack(">HHH", *(v16(x, y, c) for c in range(3))) for x in range(W)) for y in range(H)])
png_raw("rgba16.png", W, H, 6, 16, [b"".join(struct.pack(">HHHH", *(v16(x, y, c) for c in range(3)), 1234) for x in range(W)) for y in range(H)])

png_adam7("rgb8_interlaced.png", W, H, lambda x, y: bytes(v8(x, y, c) for c in range(3)))
assert list(Image.open("rgb8_interlaced.png").convert("RGB").tobytes()) == list(image("RGB", 3).tobytes())

# JPEGs: a smooth 16x16 gradient (small JPEG error), decoded back by Pillow for expectations.
def smooth(mode):
    im = Image.new("RGB", (16, 16))
    for y in range(16):
        for x in range(16):
            im.putpixel((x, y), (16 * x, 16 * y, 128 + 4 * (x - y)))
    return im.convert(mode)

smooth("RGB").save("rgb_baseline.jpg", quality=95)
smooth("RGB").save("rgb_progressive.jpg", quality=95, progressive=True)
smooth("L").save("gray_baseline.jpg", quality=95)
smooth("L").save("gray_progressive.jpg", quality=95, progressive=True)
smooth("RGB").convert("CMYK").save("cmyk.jpg", quality=95)
big = Image.new("L", (64, 48))
for y in range(48):
    for x in range(64):
        big.putpixel((x, y), (3 * x + 2 * y) % 256)
big.save("gray_64x48.jpg", quality=90)

expected = {}
for name in ["rgb_baseline.jpg", "rgb_progressive.jpg", "gray_baseline.jpg", "gray_progressive.jpg", "cmyk.jpg"]:
    im = Image.open(name)
    im = im.convert("RGB") if im.mode == "CMYK" else im
    expected[name] = {"width": im.width, "height": im.height, "channels": len(im.getbands()),
                      "pixels": list(im.tobytes())}
# DCT-domain 1/4 scaling: Pillow's draft() asks libjpeg for the same scale_denom.
im = Image.open("gray_64x48.jpg"); im.draft("L", (16, 12)); im.load()
expected["gray_64x48.jpg@16x12"] = {"width": im.width, "height": im.height, "channels": 1, "pixels": list(im.tobytes())}

# Resize references: Pillow's antialiased bilinear on a known pattern (formula v8 on 37x23).
def pattern(mode, channels, w, h):
    im = Image.new(mode, (w, h))
    for y in range(h):
        for x in range(w):
            px = tuple(v8(x, y, c) for c in range(channels))
            im.putpixel((x, y), px[0] if channels == 1 else px)
    return im
for mode, ch in [("L", 1), ("RGB", 3)]:
    for (ow, oh) in [(10, 7), (50, 31), (37, 9)]:
        out = pattern(mode, ch, 37, 23).resize((ow, oh), Image.BILINEAR)
        expected[f"resize_{mode}_37x23_to_{ow}x{oh}"] = {"width": ow, "height": oh, "channels": ch, "pixels": list(out.tobytes())}

# Float resize reference: torchvision's antialiased bilinear on the same pattern as a float
# tensor in [0, 1] (torchvision 0.29, torch 2.15); pixels stored HWC as floats.
import torch
from torchvision.transforms.v2 import functional as TF
from torchvision.transforms import InterpolationMode
for (ow, oh) in [(10, 7), (50, 31)]:
    t = torch.tensor(list(pattern("RGB", 3, 37, 23).tobytes()), dtype=torch.float32).reshape(23, 37, 3).permute(2, 0, 1) / 255
    out = TF.resize(t, [oh, ow], interpolation=InterpolationMode.BILINEAR, antialias=True)
    expected[f"torchvision_float_37x23_to_{ow}x{oh}"] = {"width": ow, "height": oh, "channels": 3,
                                                          "floats": out.permute(1, 2, 0).reshape(-1).tolist()}

with open("expected.json", "w") as f:
    json.dump(expected, f)

# Bad files.
open("bad_empty.jpg", "wb").close()
data = open("rgb_baseline.jpg", "rb").read()
open("bad_truncated.jpg", "wb").write(data[: data.index(b"\xff\xda") + 40])  # cut inside the scan
Image.new("RGB", (4, 4), (255, 0, 0)).save("bad_gif_named.jpg", format="GIF")
open("bad_random.jpg", "wb").write(bytes(random.Random(42).randrange(256) for _ in range(300)))
png = bytearray(open("rgb8.png", "rb").read())
i = png.index(b"IDAT"); n = struct.unpack(">I", png[i - 4:i])[0]
png[i + 4 + n] ^= 0xFF  # first byte of the IDAT CRC
open("bad_crc.png", "wb").write(bytes(png))
