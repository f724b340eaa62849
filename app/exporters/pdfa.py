"""PDF/A from what ReportLab writes: every PDF of the program passes through :func:`to_pdfa`.

Every PDF the program writes — letters, tables, journals, envelopes, the document a МЭДО
container carries, a letter made elsewhere — is PDF/A-1b: PDF 1.4, no object or cross-reference
streams, no transparency (a soft mask is flattened onto white). Part 1 is the part a validator here
can check (Apache PDFBox Preflight, run by the tests over every kind of PDF), and a letter needs
nothing of part 2.

ReportLab's open-source edition writes no PDF/A. What it lacks is added here with pikepdf:

- XMP metadata (``pdfaid`` part 1, conformance B, with the title, author, producer and dates the
  document information dictionary also holds), written as one ``rdf:Description`` that declares
  every namespace it uses — PDFBox's xmpbox reads no other form — and not compressed;
- an sRGB output intent with an ICC profile of version 2 (``resources/icc``: PDF/A-1 refuses the
  version 4 profile LittleCMS writes), so the DeviceRGB and DeviceGray colours the pages use are
  defined;
- distinct subset tags: ReportLab tags every TrueType subset ``AAAAAA+``, so the regular and
  the bold font of a letter carried the same tag;
- honest dates, the same for the same document: the letter's registration date (or the date
  the printout is for), not the writing time, so the same letter gives the same bytes (a
  detached signature of the file stays valid when it is written again) — the trailer's /ID is
  derived from the content too.
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


@functools.cache
def srgb_profile() -> bytes:
    """An sRGB IEC 61966-2.1 ICC profile of version 2 (see ``resources/icc/README.txt``)."""
    from app.support.paths import resource_path

    return resource_path("icc", "sRGB-v2.icc").read_bytes()


def xmp_packet(*, title: str, author: str, producer: str, when: dt.datetime) -> bytes:
    """The XMP metadata of a PDF/A-1b file: one description, every namespace declared on it."""
    from xml.sax.saxutils import escape

    stamp = when.isoformat()
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '<rdf:Description rdf:about=""'
        ' xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:xmp="http://ns.adobe.com/xap/1.0/"'
        ' xmlns:pdf="http://ns.adobe.com/pdf/1.3/">\n'
        "<pdfaid:part>1</pdfaid:part>\n"
        "<pdfaid:conformance>B</pdfaid:conformance>\n"
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt>'
        "</dc:title>\n"
        f"<dc:creator><rdf:Seq><rdf:li>{escape(author)}</rdf:li></rdf:Seq></dc:creator>\n"
        f"<xmp:CreatorTool>{escape(author)}</xmp:CreatorTool>\n"
        f"<xmp:CreateDate>{stamp}</xmp:CreateDate>\n"
        f"<xmp:ModifyDate>{stamp}</xmp:ModifyDate>\n"
        f"<xmp:MetadataDate>{stamp}</xmp:MetadataDate>\n"
        f"<pdf:Producer>{escape(producer)}</pdf:Producer>\n"
        "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    ).encode()


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


def to_pdfa(data: bytes, *, title: str, created: dt.date) -> bytes:
    """The PDF ``data`` as PDF/A-1b, dated ``created``."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
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
        packet = xmp_packet(title=title, author=AUTHOR, producer=producer, when=when)
        metadata = pikepdf.Stream(pdf, packet)
        metadata.Type = pikepdf.Name.Metadata
        metadata.Subtype = pikepdf.Name.XML
        pdf.Root.Metadata = metadata
        out = io.BytesIO()
        pdf.save(
            out,
            deterministic_id=True,
            force_version="1.4",
            object_stream_mode=pikepdf.ObjectStreamMode.disable,
        )
        return out.getvalue()
