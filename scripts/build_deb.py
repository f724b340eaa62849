"""Make ``secretariat_<version>_amd64.deb`` from the PyInstaller bundle (docs/install.md).

    .venv/bin/python scripts/build_deb.py [--bundle DIR] [--out DIR] [--version V] [--fast]

The package installs the bundle under ``/opt/secretariat`` and adds around it what an installed
program has: ``secretariat`` on PATH, the menu entry and icons, the registry's MIME type, a man
page made from the command line's own help, ``/etc/secretariat/secretariat.conf`` (a conffile, all
commented) and the copyright file naming every bundled library and its licence. The menu, icon
and MIME caches are refreshed by the triggers of desktop-file-utils, hicolor-icon-theme and
shared-mime-info, so the package has no maintainer scripts; nothing in a user's home is touched
by installing, upgrading or removing it.

Without ``--bundle`` the bundle is built first (``build.spec``). ``--fast`` compresses with gzip
at level 1 instead of xz (the tests' build; the contents are the same).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.metadata as metadata
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.version import __version__  # noqa: E402

PACKAGING = ROOT / "packaging" / "debian"
ICON = ROOT / "resources" / "icons" / "secretariat.svg"
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)
CONFFILE = "etc/secretariat/secretariat.conf"
# argparse-manpage's command, run by this Python (its module has no «python -m» entry)
MAN_PAGE_MAKER = "import sys; from argparse_manpage.cli import main; sys.exit(main())"


def build_bundle(work: Path) -> Path:
    subprocess.run(
        [
            sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
            "--distpath", str(work / "dist"), "--workpath", str(work / "build"),
            str(ROOT / "build.spec"),
        ],
        cwd=ROOT, check=True,
    )  # fmt: skip
    return work / "dist" / "secretariat"


def render_icons(share: Path) -> None:
    """The SVG as it is, and PNGs at the sizes menus ask for (rendered by Qt's SVG renderer)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(ICON))
    scalable = share / "icons" / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True)
    shutil.copyfile(ICON, scalable / "secretariat.svg")
    for size in ICON_SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        folder = share / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True)
        if not image.save(str(folder / "secretariat.png")):
            raise SystemExit(f"icon {size}x{size} not written")
    del app


def write_man_page(target: Path, version: str) -> None:
    made = subprocess.run(
        [
            sys.executable, "-c", MAN_PAGE_MAKER, "--module", "app.cli.main",
            "--function", "build_parser", "--prog", "secretariat",
            "--project-name", "Секретариат", "--version", version,
            "--description", "реестр писем канцелярии",
            "--manual-title", "Руководство Секретариата",
            "--include", str(PACKAGING / "man-extra.ini"),
        ],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    target.parent.mkdir(parents=True)
    target.write_bytes(gzip.compress(made.stdout, mtime=0))


def _licence(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    expression = meta.get("License-Expression")
    if expression:
        return str(expression)
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or []]
    named = [c for c in classifiers if any(word in c for word in ("License", "GPL", "BSD"))]
    if named:
        return " OR ".join(dict.fromkeys(named))
    text = (meta.get("License") or "").strip().splitlines()
    return text[0][:120] if text else "see the distribution's metadata"


def _runtime_distributions() -> list[metadata.Distribution]:
    """The program's Python dependencies, followed from its own metadata (with the PostgreSQL
    driver), as the bundle carries them."""
    from packaging.requirements import Requirement

    found: dict[str, metadata.Distribution] = {}
    todo = [("secretariat", frozenset({"postgresql"}))]
    while todo:
        name, extras = todo.pop()
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        key = dist.metadata["Name"].lower().replace("_", "-")
        if key in found:
            continue
        found[key] = dist
        for line in dist.requires or []:
            wanted = Requirement(line)
            asked = [{"extra": extra} for extra in extras] or [{"extra": ""}]
            if wanted.marker is None or any(wanted.marker.evaluate(env) for env in asked):
                todo.append((wanted.name, frozenset(wanted.extras)))
    found.pop("secretariat", None)
    return [found[key] for key in sorted(found)]


def _debian_owners(libraries: list[str]) -> dict[str, list[str]]:
    """The Debian packages the system libraries in the bundle were copied from, as dpkg knows
    them (one question for all)."""
    if shutil.which("dpkg") is None or not libraries:
        return {}
    asked = subprocess.run(
        ["dpkg", "-S", *(f"*/{library}" for library in libraries)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    owners: dict[str, list[str]] = {}
    placed: set[str] = set()
    for line in asked.stdout.splitlines():
        package, _, path = line.partition(": ")
        library = Path(path.strip()).name
        if library in libraries and library not in placed:
            placed.add(library)
            owners.setdefault(package.split(",")[0].split(":")[0].strip(), []).append(library)
    return owners


def write_copyright(target: Path, bundle: Path) -> None:
    internal = bundle / "_internal"
    lines = [
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/",
        "Upstream-Name: secretariat (Секретариат)",
        "",
        "Files: *",
        "Copyright: the developers of Секретариат",
        "License: all rights reserved (the customer has not chosen a licence yet)",
        "",
        "Files: opt/secretariat/_internal/resources/fonts/*",
        "Copyright: Red Hat, Inc. (Liberation fonts)",
        "License: OFL-1.1 (resources/fonts/LICENSE-LiberationFonts.txt)",
        "",
        "Comment: The Python libraries bundled in opt/secretariat/_internal, with their licences",
        " as their own metadata states them:",
        f" Python {sys.version.split()[0]} (the interpreter, libpython): PSF-2.0",
    ]
    for dist in _runtime_distributions():
        lines.append(f" {dist.metadata['Name']} {dist.version}: {_licence(dist)}")
    libraries = sorted(p.name for p in internal.glob("*.so*") if p.is_file())
    owners = _debian_owners(libraries)
    if owners:
        lines += ["", "Comment: System libraries copied into the bundle from the build system's",
                  " Debian packages; each package's own copyright file follows."]  # fmt: skip
    for owner, files in sorted(owners.items()):
        lines += ["", f"Files: opt/secretariat/_internal/{' '.join(files)}",
                  f"Comment: from the Debian package {owner}"]  # fmt: skip
        text = Path(f"/usr/share/doc/{owner}/copyright")
        if text.is_file():
            body = text.read_text(encoding="utf-8", errors="replace").splitlines()
            lines += [f" {line}" if line.strip() else " ." for line in body]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")


def glibc_needed(bundle: Path) -> str:
    """The newest glibc symbol version any file of the bundle asks for: the oldest libc6 the
    package can run on (the builder's, in practice: PyInstaller copies its libpython and
    libraries), put in ``Depends`` so that apt refuses an older system instead of installing a
    program that cannot start."""
    newest = (2, 17)
    for path in bundle.rglob("*"):
        if not path.is_file() or path.is_symlink():
            continue
        with path.open("rb") as handle:
            if handle.read(4) != b"\x7fELF":
                continue
        dump = subprocess.run(
            ["objdump", "-T", str(path)], capture_output=True, text=True, check=False
        ).stdout
        for found in re.findall(r"GLIBC_(\d+)\.(\d+)", dump):
            newest = max(newest, (int(found[0]), int(found[1])))
    return f"{newest[0]}.{newest[1]}"


def _installed_size_kib(tree: Path) -> int:
    total = sum(p.lstat().st_size for p in tree.rglob("*") if not p.is_dir())
    return (total + 1023) // 1024


def _md5sums(stage: Path) -> str:
    rows = []
    for path in sorted(stage.rglob("*")):
        relative = path.relative_to(stage).as_posix()
        if relative.startswith("DEBIAN/") or path.is_symlink() or not path.is_file():
            continue
        rows.append(f"{hashlib.md5(path.read_bytes()).hexdigest()}  {relative}")
    return "\n".join(rows) + "\n"


def stage_package(bundle: Path, stage: Path, version: str) -> None:
    shutil.copytree(bundle, stage / "opt" / "secretariat", symlinks=True)
    (stage / "usr" / "bin").mkdir(parents=True)
    (stage / "usr" / "bin" / "secretariat").symlink_to("/opt/secretariat/secretariat")
    share = stage / "usr" / "share"
    (share / "applications").mkdir(parents=True)
    shutil.copyfile(PACKAGING / "secretariat.desktop", share / "applications/secretariat.desktop")
    (share / "mime" / "packages").mkdir(parents=True)
    shutil.copyfile(PACKAGING / "secretariat-mime.xml", share / "mime/packages/secretariat.xml")
    render_icons(share)
    write_man_page(share / "man" / "man1" / "secretariat.1.gz", version)
    doc = share / "doc" / "secretariat"
    write_copyright(doc / "copyright", bundle)
    shutil.copyfile(ROOT / "docs" / "install.md", doc / "install.md")
    (stage / CONFFILE).parent.mkdir(parents=True)
    shutil.copyfile(PACKAGING / "secretariat.conf", stage / CONFFILE)
    control = (PACKAGING / "control.in").read_text(encoding="utf-8")
    control = (
        control.replace("@VERSION@", version)
        .replace("@INSTALLED_SIZE@", str(_installed_size_kib(stage)))
        .replace("@GLIBC@", glibc_needed(bundle))
    )
    debian = stage / "DEBIAN"
    debian.mkdir()
    (debian / "control").write_text(control, encoding="utf-8")
    (debian / "conffiles").write_text(f"/{CONFFILE}\n", encoding="utf-8")
    (debian / "md5sums").write_text(_md5sums(stage), encoding="utf-8")
    for path in [stage, *stage.rglob("*")]:  # what dpkg-deb accepts: no group- or world-writable
        if not path.is_symlink():
            path.chmod(path.stat().st_mode & ~0o022)


def build_deb(bundle: Path, out: Path, version: str, *, fast: bool = False) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"secretariat_{version}_amd64.deb"
    with tempfile.TemporaryDirectory(prefix="secretariat-deb-") as work:
        stage = Path(work) / "stage"
        stage.mkdir()
        stage_package(bundle, stage, version)
        compression = ["-Zgzip", "-z1"] if fast else ["-Zxz", "-z6"]
        partial = target.with_name(target.name + ".part")
        subprocess.run(
            ["dpkg-deb", "--root-owner-group", *compression, "--build", str(stage), str(partial)],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        partial.replace(target)  # a stopped build leaves no .deb that looks finished
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, help="a built PyInstaller bundle (dist/secretariat)")
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="folder of the .deb")
    parser.add_argument("--version", default=__version__, help="the package's version")
    parser.add_argument("--fast", action="store_true", help="gzip -1 instead of xz")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="secretariat-bundle-") as work:
        bundle = args.bundle or build_bundle(Path(work))
        made = build_deb(bundle.resolve(), args.out, args.version, fast=args.fast)
    print(made)
    return 0


if __name__ == "__main__":
    sys.exit(main())
