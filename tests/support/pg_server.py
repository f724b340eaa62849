"""A throw-away PostgreSQL server for the tests: Debian's binaries, a temporary data folder, a
Unix socket only (no TCP port to collide with), trust authentication inside that folder.

``initdb`` refuses to run as root; a root test run (CI) starts the server as the ``postgres``
user that Debian's package creates.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


def _bin_dir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(os.path.realpath(found)).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(versions[-1]).parent if versions else None


@dataclass
class PgServer:
    root: Path
    bin_dir: Path
    user: str
    as_user: list[str]

    @property
    def socket_dir(self) -> Path:
        return self.root

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{self.user}@/{database}?host={self.socket_dir}"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.as_user, *args], check=True, capture_output=True, text=True, timeout=120
        )

    def create_database(self, name: str, template: str | None = None) -> str:
        """A new database; ``template``: a copy of that one (PostgreSQL copies its files)."""
        copy = ["-T", template] if template else []
        self._run(
            str(self.bin_dir / "createdb"), "-h", str(self.socket_dir), "-U", self.user, *copy,
            name,
        )  # fmt: skip
        return self.url(name)

    def stop(self, *, remove: bool = True) -> None:
        subprocess.run(
            [
                *self.as_user,
                str(self.bin_dir / "pg_ctl"),
                "-D",
                str(self.root / "data"),
                "-m",
                "immediate",
                "stop",
            ],
            capture_output=True,
            timeout=60,
        )
        if remove:
            shutil.rmtree(self.root, ignore_errors=True)


def start_server(root: Path | None = None, shared_buffers: str = "64MB") -> PgServer | None:
    """Start a server, or None when PostgreSQL is not installed here. ``root``: a folder kept
    between runs (the benchmark's million letters), made on the first start."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        return None
    if root is None:
        root = Path(tempfile.mkdtemp(prefix="secretariat-pg-"))
    root.mkdir(parents=True, exist_ok=True)
    as_user: list[str] = []
    user = pwd.getpwuid(os.getuid()).pw_name
    if os.getuid() == 0:
        user = "postgres"
        shutil.chown(root, user)
        as_user = ["runuser", "-u", user, "--"]
    server = PgServer(root, bin_dir, user, as_user)
    data = root / "data"
    if not data.exists():
        _initdb(server, data)
    options = (
        f"-k {root} -c listen_addresses='' -c fsync=off -c max_connections=60 "
        f"-c shared_buffers={shared_buffers}"
    )
    server._run(
        str(bin_dir / "pg_ctl"),
        "-D",
        str(data),
        "-l",
        str(root / "server.log"),
        "-o",
        options,
        "-w",
        "start",
    )
    for _ in range(100):
        if (root / ".s.PGSQL.5432").exists():
            break
        time.sleep(0.1)
    return server


def _initdb(server: PgServer, data: Path) -> None:
    server._run(
        str(server.bin_dir / "initdb"),
        "-D",
        str(data),
        "-U",
        server.user,
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
        "--no-sync",
    )
