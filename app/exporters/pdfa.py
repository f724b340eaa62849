"""PDF/A from what ReportLab writes: every PDF of the program passes through :func:`to_pdfa`.

Letters, tables and envelopes are PDF/A-2b; the document a МЭДО container carries is PDF/A-1b
(what МЭДО asks for): PDF 1.4, no object or cross-reference streams, no transparency (a soft
mask is flattened onto white).

ReportLab's open-source edition writes no PDF/A. What it lacks is added here with pikepdf:

- XMP metadata identifying the file as PDF/A-2, part 2, conformance B (``pdfaid``), with the
  title, author, producer and dates the document information dictionary also holds;
- an sRGB output intent (the ICC profile made by LittleCMS through Pillow, its creation date
  fixed), so the DeviceRGB and DeviceGray colours the pages use are defined;
- distinct subset tags: ReportLab tags every TrueType subset ``AAAAAA+``, so the regular and
  the bold font of a letter carried the same tag;
- honest dates, the same for the same document: the letter's registration date (or the date
  the printout is for), not the writing time, so the same letter gives the same bytes (a
  detached signature of the file stays valid when it is written again) — the trailer's /ID is
  derived from the content too.

No validator runs here (veraPDF cannot be installed); ``tests/test_pdfa.py`` checks these
points in the files themselves.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import string
import zlib
from typing import Any

AUTHOR = "Секретариат"
ICC_DATE = slice(24, 36)  # the profile's creation date in its header
ICC_ID = slice(84, 100)  # the profile ID (an MD5 over the header with the date): zero = none


@functools.cache
def srgb_profile() -> bytes:
    """An sRGB IEC 61966-2.1 ICC profile, the same bytes every time."""
    from PIL import ImageCms

    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    data[ICC_DATE] = bytes(12)
    data[ICC_ID] = bytes(16)
    return bytes(data)


def _tag(name: str, index: int) -> str:
    """Six capital letters, the same for the same font and place."""
    digest = hashlib.sha256(f"{index}:{name}".encode()).digest()
    return "".join(string.ascii_uppercase[b % 26] for b in digest[:6])


def _fonts(pdf: Any) -> list[Any]:
    found: dict[tuple[int, int], Any] = {}
    for page in pdf.pages:
        resources = page.obj.get("/Resources")
        fonts = resources.get("/Font") if resources is not None else None
        if fonts is None:
            continue
        for _name, font in fonts.items():
            found.setdefault(font.objgen, font)
            for descendant in font.get("/DescendantFonts", []):
                found.setdefault(descendant.objgen, descendant)
    return [found[key] for key in sorted(found)]


def _distinct_subset_tags(pdf: Any) -> None:
    import pikepdf

    for index, font in enumerate(_fonts(pdf)):
        base = str(font.get("/BaseFont", ""))
        if len(base) > 8 and base[7] == "+":
            renamed = pikepdf.Name(f"/{_tag(base, index)}+{base[8:]}")
            font.BaseFont = renamed
            descriptor = font.get("/FontDescriptor")
            if descriptor is not None:
                descriptor.FontName = renamed


def _output_intent(pdf: Any) -> None:
    import pikepdf

    icc = pikepdf.Stream(pdf, srgb_profile())
    icc.N = 3
    intent = pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent,
        S=pikepdf.Name.GTS_PDFA1,
        OutputConditionIdentifier="sRGB IEC61966-2.1",
        RegistryName="http://www.color.org",
        Info="sRGB IEC61966-2.1",
        DestOutputProfile=icc,
    )
    pdf.Root.OutputIntents = pikepdf.Array([intent])


def _flatten_soft_masks(pdf: Any) -> None:
    """PDF/A-1 allows no transparency: an image's soft mask is composed onto white."""
    import pikepdf
    from pikepdf import PdfImage
    from PIL import Image

    for xobject in list(pdf.objects):  # on pages and inside forms alike
        if not isinstance(xobject, pikepdf.Stream) or "/SMask" not in xobject:
            continue
        if xobject.get("/Subtype") != pikepdf.Name.Image:
            continue
        picture = PdfImage(xobject).as_pil_image().convert("RGB")
        mask = xobject.SMask
        assert isinstance(mask, pikepdf.Stream)
        alpha = PdfImage(mask).as_pil_image().convert("L").resize(picture.size)
        flat = Image.composite(picture, Image.new("RGB", picture.size, "white"), alpha)
        xobject.write(zlib.compress(flat.tobytes()), filter=pikepdf.Name.FlateDecode)
        xobject.ColorSpace = pikepdf.Name.DeviceRGB
        xobject.BitsPerComponent = 8
        for key in ("/SMask", "/DecodeParms", "/Decode"):
            if key in xobject:
                del xobject[key]


def to_pdfa(data: bytes, *, title: str, created: dt.date, part: int = 2) -> bytes:
    """The PDF ``data`` as PDF/A-2b (or ``part=1``: PDF/A-1b), dated ``created``."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        if part == 1:
            _flatten_soft_masks(pdf)
        _distinct_subset_tags(pdf)
        _output_intent(pdf)
        when = dt.datetime.combine(created, dt.time(), tzinfo=dt.UTC)
        stamp = f"D:{when:%Y%m%d%H%M%S}Z"
        producer = str(pdf.docinfo.get("/Producer", "ReportLab"))
        pdf.docinfo["/Title"] = title
        pdf.docinfo["/Author"] = AUTHOR
        pdf.docinfo["/Creator"] = AUTHOR
        pdf.docinfo["/CreationDate"] = stamp
        pdf.docinfo["/ModDate"] = stamp
        for key in ("/Subject", "/Keywords", "/Trapped"):
            if key in pdf.docinfo:
                del pdf.docinfo[key]
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta["pdfaid:part"] = str(part)
            meta["pdfaid:conformance"] = "B"
            meta["dc:title"] = title
            meta["dc:creator"] = [AUTHOR]
            meta["xmp:CreatorTool"] = AUTHOR
            meta["pdf:Producer"] = producer
            meta["xmp:CreateDate"] = when.isoformat()
            meta["xmp:ModifyDate"] = when.isoformat()
            meta["xmp:MetadataDate"] = when.isoformat()
        out = io.BytesIO()
        if part == 1:
            pdf.save(
                out,
                deterministic_id=True,
                force_version="1.4",
                object_stream_mode=pikepdf.ObjectStreamMode.disable,
            )
        else:
            pdf.save(out, deterministic_id=True)
        return out.getvalue()
