"""What tesseract is shown of a colour page: black print only. Vietnamese official letters carry a
red seal over the signer's name and the last lines, and a signature in blue ink; read as grey,
both hide the print under them and come out as junk words.

Per pixel, the brightest channel: red ink is bright in red, blue ink in blue, so both turn
light, while black print (dark in every channel) stays dark, also where the seal covers it (ink
over print is dark in every channel). Coloured pixels are lightened further by their
colourfulness (brightest minus darkest channel) times ``CHROMA_GAIN``, which takes out what is
left of dark blue ballpoint. On the mail bench's four sealed and signed scans (CER of tesseract on the filtered
page): grey 1.68-3.12 %, red channel 0.24-3.78 %, brightest channel 0.18-3.78 %, this filter
0.18-0.60 % (docs/digitisation.md). Pillow only: ocrmypdf's worker processes load it too."""

from __future__ import annotations

from PIL import Image, ImageChops

CHROMA_GAIN = 2  # how much lighter a pixel gets per unit of colourfulness


def drop_colour_ink(image: Image.Image) -> Image.Image:
    """A greyscale image of ``image`` with coloured ink (seal, signature) made light; a
    greyscale or black-and-white image is returned as it is. The resolution is kept."""
    if image.mode not in ("RGB", "RGBA", "P", "CMYK"):
        return image
    rgb = image.convert("RGB")
    red, green, blue = rgb.split()
    brightest = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    darkest = ImageChops.darker(ImageChops.darker(red, green), blue)
    chroma = ImageChops.subtract(brightest, darkest).point(lambda v: min(255, v * CHROMA_GAIN))
    grey = ImageChops.add(brightest, chroma)
    if "dpi" in image.info:
        grey.info["dpi"] = image.info["dpi"]
    return grey
