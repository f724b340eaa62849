"""The Debian package builds, installs into a bare Debian 12 with apt-get, runs there as a
clerk, upgrades, and is removed leaving the clerk's registries and backups in place.

One test, in the order an administrator lives it: the previous version installed, the clerk's
registry (written by an older schema) in their home, the new version installed over it, the
registry migrated on the clerk's first start, then the package removed and purged. The previous
version's package is this bundle under a lower version number: what it checks is the package's
upgrade (conffile kept, data untouched); the schema's own upgrade is real, from an older revision.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.bundle import built_bundle
from tests.support.debian_root import DebianRoot, can_make_roots
from tests.support.places import ROOT

PREVIOUS = "0.0.9"
REGISTRY = (".local", "share", "secretariat", "secretariat.db")


@pytest.fixture
def debian(tmp_path: Path) -> Iterator[DebianRoot]:
    blocked = can_make_roots()
    if blocked:
        if os.environ.get("SECRETARIAT_REQUIRE_DEB") == "1":
            pytest.fail(f"the package test cannot run: {blocked}")
        pytest.skip(blocked)
    root = DebianRoot.bootstrap(tmp_path / "root")
    try:
        yield root
    finally:
        root.close()


def _build_deb(bundle: Path, out: Path, version: str) -> Path:
    made = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_deb.py"), "--bundle", str(bundle),
         "--out", str(out), "--version", version, "--fast"],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr[-3000:]
    deb = Path(made.stdout.strip().splitlines()[-1])
    assert deb.name == f"secretariat_{version}_amd64.deb"
    fields = subprocess.run(
        ["dpkg-deb", "--field", str(deb), "Version", "Depends"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert f"Version: {version}" in fields and "libc6 (>= 2." in fields and "@" not in fields
    return deb


def _older_registry(path: Path) -> str:
    """A demo registry taken back a few migrations, as an older version left it."""
    from app.services.demo import load_demo
    from app.storage.hooks import open_store
    from db.schema import downgrade, known_revisions, upgrade

    old = open_store(str(path))
    upgrade(old)
    load_demo(old)
    revision = known_revisions()[-4]
    downgrade(old, revision)
    old.dispose()
    return revision


def _revision(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return str(conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, f"{done.args}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    return done.stdout


@pytest.mark.slow
def test_package_installs_runs_upgrades_and_leaves_the_data(
    debian: DebianRoot, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from app.version import __version__
    from db.schema import known_revisions

    bundle = built_bundle(tmp_path_factory)
    previous = _build_deb(bundle, tmp_path / "previous", PREVIOUS)
    current = _build_deb(bundle, tmp_path / "current", __version__)
    for deb in (previous, current):
        (debian.path / "tmp" / deb.name).write_bytes(deb.read_bytes())

    # the previous version, with only what the package depends on (no Recommends) and the two
    # packages whose triggers read the menu entry and the MIME type
    _ok(debian.run("apt-get", "update", "-q"))
    _ok(debian.run("apt-get", "install", "-y", "-q", "--no-install-recommends",
                   f"/tmp/{previous.name}", "desktop-file-utils", "shared-mime-info"))  # fmt: skip
    assert _ok(debian.as_clerk("secretariat", "--version")).strip() == f"secretariat {__version__}"

    # the clerk's registry, written by an older schema, and the administrator's connection line
    registry = debian.home(*REGISTRY)
    registry.parent.mkdir(parents=True)
    old_revision = _older_registry(registry)
    debian.give_to_clerk(debian.home(".local"))
    written = _digest(registry)
    conf = debian.path / "etc" / "secretariat" / "secretariat.conf"
    assert "#SECRETARIAT_DB=" in conf.read_text(encoding="utf-8")  # shipped commented
    conf.write_text(conf.read_text(encoding="utf-8") + "# кабинет 12\n", encoding="utf-8")

    # the upgrade: the registry untouched by the package, the administrator's edit kept
    _ok(debian.run("apt-get", "install", "-y", "-q", "--no-install-recommends",
                   f"/tmp/{current.name}"))  # fmt: skip
    status = _ok(debian.run("dpkg-query", "-W", "-f", "${Version} ${Status}", "secretariat"))
    assert status == f"{__version__} install ok installed"
    assert _digest(registry) == written
    assert conf.read_text(encoding="utf-8").endswith("# кабинет 12\n")

    # the clerk's first start brings the registry up to this version's schema
    assert _revision(registry) == old_revision
    checked = _ok(debian.as_clerk("secretariat", "check"))
    assert checked.strip().splitlines()[-1] == "OK"
    assert _revision(registry) == known_revisions()[-1]
    _ok(debian.as_clerk("secretariat", "letters", "export", "1893/5", "--out", "1893.pdf"))
    assert debian.home("1893.pdf").read_bytes().startswith(b"%PDF")
    _ok(debian.as_clerk("secretariat", "backup"))
    backups = sorted(registry.parent.joinpath("backups").glob("*.db"))
    assert len(backups) == 1

    # a new registry: the demo, a letter exported from it
    shown = _ok(debian.as_clerk("secretariat", "--db", "demo.db", "demo"))
    assert "писем — 3" in shown
    _ok(debian.as_clerk("secretariat", "--db", "demo.db", "letters", "export", "1893/5",
                        "--out", "demo.docx"))  # fmt: skip
    assert debian.home("demo.docx").stat().st_size > 20_000

    # the window, offscreen and on an X server (the platform plugin a clerk's screen uses)
    offscreen = {"QT_QPA_PLATFORM": "offscreen", "SECRETARIAT_EXIT_AFTER_MS": "500"}
    _ok(debian.as_clerk("secretariat", env=offscreen))
    debian.as_clerk("mkdir", "opened")  # the menu entry's «secretariat gui %f» opens that file
    _ok(debian.as_clerk("secretariat", "gui", "opened/secretariat.db", env=offscreen))
    assert debian.home("opened", "secretariat.db").exists()
    _ok(debian.run("apt-get", "install", "-y", "-q", "--no-install-recommends", "xvfb", "xauth"))
    on_x = _ok(debian.as_clerk(
        "xvfb-run", "-a", "-s", "-screen 0 1366x768x24", "sh", "-c",
        "SECRETARIAT_EXIT_AFTER_MS=1000 QT_QPA_PLATFORM=xcb secretariat && echo window-closed",
    ))  # fmt: skip
    assert "window-closed" in on_x

    # every library the bundle loads is found: in the bundle or in what the package depends on
    # (the bootloader puts the bundle's folder first on the library path)
    missing = _ok(debian.run(
        "sh", "-c",
        "find /opt/secretariat -type f -name '*.so*' | while read -r f; do"
        " ldd \"$f\" | sed -n \"s|not found|not found (needed by $f)|p\"; done",
        env={"LD_LIBRARY_PATH": "/opt/secretariat/_internal"},
    ))  # fmt: skip
    assert missing.strip() == ""

    # the menu entry, the MIME type, the icons and the man page, as the system's own tools see
    entry = "/usr/share/applications/secretariat.desktop"
    assert _ok(debian.run("desktop-file-validate", entry)) == ""
    mime = debian.path / "usr" / "share" / "mime" / "application" / "x-secretariat-registry.xml"
    assert "Реестр «Секретариата»" in mime.read_text(encoding="utf-8")
    for size in ("16x16", "48x48", "256x256", "scalable"):
        icons = debian.path / "usr" / "share" / "icons" / "hicolor" / size / "apps"
        assert any(icons.glob("secretariat.*")), size
    man = _ok(debian.run("sh", "-c", "zcat /usr/share/man/man1/secretariat.1.gz"))
    assert ".TH SECRETARIAT" in man and "letters" in man and "SECRETARIAT_DB" in man

    # removed: the program gone, the clerk's registries and backups where they were
    _ok(debian.run("apt-get", "remove", "-y", "-q", "secretariat"))
    assert not (debian.path / "opt" / "secretariat").exists()
    assert not (debian.path / "usr" / "bin" / "secretariat").exists()
    assert conf.exists()  # a conffile stays until purge
    _ok(debian.run("apt-get", "purge", "-y", "-q", "secretariat"))
    assert not conf.exists()
    assert registry.exists() and _revision(registry) == known_revisions()[-1]
    assert all(backup.exists() for backup in backups)
    assert debian.home("demo.db").exists()
