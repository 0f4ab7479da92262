"""Regenerate the Pillow-made PNG vectors (run by hand; not part of the test suite).

    python -m venv /tmp/pillow && /tmp/pillow/bin/pip install Pillow==13.0.0
    /tmp/pillow/bin/python tests/vectors/baking/make_pillow_vectors.py

Pillow is not a project dependency: these files exist so the tests read PNGs written by an
independent encoder, and an iTXt chunk written by an independent iTXt writer.
"""

from pathlib import Path

from PIL import Image, PngImagePlugin

HERE = Path(__file__).parent
JWS = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6ZXhhbXBsZToxIn0.c2lnbmF0dXJl"


def main() -> None:
    image = Image.new("P", (48, 32))
    image.putpalette([200, 40, 40, 255, 255, 255] + [0, 0, 0] * 254)
    for x in range(48):
        for y in range(32):
            image.putpixel((x, y), (x // 8 + y // 8) % 2)
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "made by Pillow for the baking tests")
    info.add_text("Software", "Pillow", zip=True)
    image.save(HERE / "pillow-plain.png", pnginfo=info)

    baked = PngImagePlugin.PngInfo()
    baked.add_itxt("openbadgecredential", JWS, zip=False)
    image.save(HERE / "pillow-baked-jwt.png", pnginfo=baked)

    compressed = PngImagePlugin.PngInfo()
    compressed.add_itxt("openbadgecredential", JWS, zip=True)
    image.save(HERE / "pillow-baked-compressed.png", pnginfo=compressed)


if __name__ == "__main__":
    main()
