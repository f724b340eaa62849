"""Validators written by others, run by the tests as separate programs (issue 37):

- Apache PDFBox Preflight 2.0.27 (Debian ``libpdfbox2-java``, a headless JRE, its jaxb and
  activation jars) for PDF/A-1b;
- GMime 3.2 through PyGObject (Debian ``gir1.2-gmime-3.0``, ``python3-gi``; what Geary, Balsa and
  notmuch read mail with) and MIME-tools (Debian ``libmime-tools-perl``) for e-mail headers.

Where the test command could install them (as root: ``SECRETARIAT_REQUIRE_VALIDATORS=1``), a
missing one is a failure; elsewhere its tests are skipped.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import textwrap
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pikepdf
import pytest

JAVA_DIR = Path("/usr/share/java")
JARS = ("preflight", "pdfbox2", "fontbox2", "xmpbox", "commons-logging", "jaxb-api",
        "javax.activation")  # fmt: skip
SYSTEM_PYTHON = "/usr/bin/python3"  # python3-gi lives in the system's Python, not the venv


def _missing(what: str) -> None:
    if os.environ.get("SECRETARIAT_REQUIRE_VALIDATORS") == "1":
        pytest.fail(f"{what} is not installed, but the test command requires it")
    pytest.skip(f"{what} is not installed here")


def preflight(files: dict[str, bytes], folder: Path) -> dict[str, list[str]]:
    """Each PDF checked as PDF/A-1b by Preflight, in one run of the JVM: name → its errors
    (empty: valid)."""
    jars = [JAVA_DIR / f"{name}.jar" for name in JARS]
    if shutil.which("java") is None or not all(j.exists() for j in jars):
        _missing("Apache PDFBox Preflight (libpdfbox2-java and a JRE)")
    folder.mkdir(parents=True, exist_ok=True)
    names: dict[str, str] = {}
    for i, (name, data) in enumerate(files.items()):
        path = folder / f"{i:03d}.pdf"
        path.write_bytes(data)
        names[path.name] = name
    listing = folder / "files.txt"
    listing.write_text("\n".join(str(folder / n) for n in names) + "\n", encoding="utf-8")
    subprocess.run(
        ["java", "-cp", ":".join(map(str, jars)), "org.apache.pdfbox.preflight.Validator_A1b",
         "xml", "group", str(listing)],
        capture_output=True, timeout=600, check=False,
    )  # fmt: skip
    report = ElementTree.parse(f"{listing}.preflight.xml").getroot()
    found: dict[str, list[str]] = {}
    for item in report.findall("preflight"):
        errors = [f"{e.findtext('code')}: {e.findtext('details')}" for e in item.iter("error")]
        if item.findtext("isValid") != "true" and not errors:
            errors = ["not valid"]
        found[names[item.get("name", "")]] = errors
    assert set(found) == set(names.values()), "Preflight left files out"
    return found


GMIME_READER = textwrap.dedent(
    """
    import json, sys
    import gi
    gi.require_version("GMime", "3.0")
    from gi.repository import GMime
    GMime.init()
    out = []
    def walk(part, files):
        if isinstance(part, GMime.Multipart):
            for i in range(part.get_count()):
                walk(part.get_part(i), files)
        elif isinstance(part, GMime.Part) and part.get_filename():
            files.append(part.get_filename())
        return files
    for path in sys.argv[1:]:
        with open(path, "rb") as source:
            stream = GMime.StreamMem.new_with_buffer(source.read())
        message = GMime.Parser.new_with_stream(stream).construct_message(None)
        to, sender = message.get_to(), message.get_from()
        names = [to.get_address(i).get_name() or "" for i in range(to.length())]
        names += [sender.get_address(i).get_name() or "" for i in range(sender.length())]
        files = walk(message.get_mime_part(), [])
        out.append({"subject": message.get_subject() or "", "names": names, "files": files})
    print(json.dumps(out, ensure_ascii=False))
    """
)

MIME_TOOLS_READER = textwrap.dedent(
    r"""
    use strict; use warnings;
    use MIME::Parser; use MIME::Words qw(decode_mimewords); use Encode qw(decode);
    binmode STDOUT, ':encoding(UTF-8)';
    sub words { my ($text) = @_; return '' unless defined $text; $text =~ s/\s+$//;
        return join '', map { decode($_->[1] || 'US-ASCII', $_->[0]) } decode_mimewords($text); }
    my $parser = MIME::Parser->new; $parser->output_to_core(1);
    for my $path (@ARGV) {
        my $entity = $parser->parse_open($path);
        my $head = $entity->head;
        print "SUBJECT\t", words($head->get('Subject')), "\n";
        print "TO\t", words($head->get('To')), "\n";
        print "FROM\t", words($head->get('From')), "\n";
        for my $part ($entity->parts_DFS) {
            my $name = $part->head->recommended_filename;
            print "FILE\t", $name, "\n" if defined $name;
        }
        print "END\n";
    }
    """
)


def gmime_read(paths: list[Path]) -> list[dict[str, object]]:
    """Subject, display names (To, From) and attachment names as GMime decodes them."""
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import gi; gi.require_version('GMime', '3.0')"],
        capture_output=True, check=False,
    )  # fmt: skip
    if probe.returncode != 0:
        _missing("GMime 3 with PyGObject (gir1.2-gmime-3.0, python3-gi)")
    done = subprocess.run(
        [SYSTEM_PYTHON, "-c", GMIME_READER, *map(str, paths)],
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    result: list[dict[str, object]] = json.loads(done.stdout)
    return result


def mime_tools_read(paths: list[Path]) -> list[dict[str, object]]:
    """Subject, the decoded To and From header text and attachment names as MIME-tools reads
    them (Perl's MIME::Parser, MIME::Words)."""
    probe = subprocess.run(["perl", "-MMIME::Parser", "-e", "1"], capture_output=True, check=False)
    if probe.returncode != 0:
        _missing("MIME-tools (libmime-tools-perl)")
    done = subprocess.run(
        ["perl", "-e", MIME_TOOLS_READER, *map(str, paths)],
        capture_output=True, timeout=300, check=True,
    )  # fmt: skip
    out: list[dict[str, object]] = []
    current: dict[str, object] = {"files": []}
    for line in done.stdout.decode("utf-8").splitlines():
        key, _, value = line.partition("\t")
        if key == "END":
            out.append(current)
            current = {"files": []}
        elif key == "FILE":
            files = current["files"]
            assert isinstance(files, list)
            files.append(value)
        else:
            current[key.lower()] = re.sub(r"\s+", " ", value).strip()
    return out


def pdfa_problems(data: bytes, part: int = 1) -> list[str]:
    """What in the file falls short of PDF/A-1b's structure as this test reads it (the
    validator's verdict is :func:`tests.support.validators.preflight`); empty when nothing does."""
    problems: list[str] = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if pdf.is_encrypted:
            problems.append("encrypted")
        meta = pdf.open_metadata()
        if (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) != (str(part), "B"):
            problems.append(f"no pdfaid {part}B in XMP")
        if part == 1 and pdf.pdf_version != "1.4":
            problems.append(f"PDF {pdf.pdf_version}, not 1.4")
        if not meta.get("dc:title"):
            problems.append("no dc:title")
        intents: Any = pdf.Root.get("/OutputIntents", [])
        if len(intents) != 1 or intents[0].S != "/GTS_PDFA1":
            problems.append("no PDF/A output intent")
        elif intents[0].DestOutputProfile.N != 3:
            problems.append("the output profile is not RGB")
        created = str(pdf.docinfo.get("/CreationDate", ""))
        xmp_created = str(meta.get("xmp:CreateDate", ""))
        if created[2:10] != xmp_created[:10].replace("-", ""):
            problems.append(f"dates disagree: {created} / {xmp_created}")
        problems += font_problems(pdf)
    return problems


def font_problems(pdf: pikepdf.Pdf) -> list[str]:
    """Every font embedded, no subset tag on two fonts."""
    problems: list[str] = []
    tags: dict[str, str] = {}
    for page in pdf.pages:
        for _key, font in page.Resources.get("/Font", {}).items():
            for item in [font, *font.get("/DescendantFonts", [])]:
                name = str(item.get("/BaseFont", ""))
                descriptor = item.get("/FontDescriptor")
                embedded = ("/FontFile", "/FontFile2", "/FontFile3")
                if descriptor is not None and not any(k in descriptor for k in embedded):
                    problems.append(f"font not embedded: {name}")
                if len(name) > 8 and name[7] == "+":
                    tag, rest = name[1:7], name[8:]
                    if tags.setdefault(tag, rest) != rest:
                        problems.append(f"subset tag {tag} on two fonts")
    return problems
