"""A bare Debian 12 root made by debootstrap, to install the program's package into as an
administrator would, and to run it there as a clerk (tests/house/test_deb.py).

Only /proc is mounted inside (not a bind of the host's /dev: removing the root must never reach
the host's device nodes); :meth:`DebianRoot.close` unmounts it before the folder is removed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

RELEASE = "bookworm"  # Debian 12: the oldest release the package is built for (docs/install.md)
CLERK = "clerk"
SAFE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def debian_mirror() -> str:
    """The Debian mirror this machine's apt uses (the tests' machines reach only that)."""
    for sources in sorted(Path("/etc/apt/sources.list.d").glob("*.sources")):
        for line in sources.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("URIs:") and "debian" in line:
                return line.split(":", 1)[1].split()[0]
    listing = Path("/etc/apt/sources.list")
    if listing.exists():
        for line in listing.read_text(encoding="utf-8", errors="replace").splitlines():
            words = line.split()
            if words[:1] == ["deb"]:
                return next(word for word in words[1:] if not word.startswith("["))
    return "http://deb.debian.org/debian"


def can_make_roots() -> str | None:
    """Why a root cannot be made here, or None."""
    if os.name != "posix" or os.geteuid() != 0:
        return "debootstrap, chroot and mount need root"
    for tool in ("debootstrap", "dpkg-deb", "chroot", "mount"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    return None


class DebianRoot:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._proc_mounted = False

    @classmethod
    def bootstrap(cls, path: Path) -> DebianRoot:
        made = subprocess.run(
            ["debootstrap", "--variant=minbase", RELEASE, str(path), debian_mirror()],
            capture_output=True, text=True, timeout=900,
        )  # fmt: skip
        if made.returncode != 0:
            raise RuntimeError(f"debootstrap failed:\n{made.stdout[-3000:]}{made.stderr[-3000:]}")
        root = cls(path)
        shutil.copyfile("/etc/resolv.conf", path / "etc" / "resolv.conf")
        subprocess.run(["mount", "-t", "proc", "proc", str(path / "proc")], check=True)
        root._proc_mounted = True
        added = root.run("useradd", "--create-home", CLERK)
        if added.returncode != 0:
            root.close()
            raise RuntimeError(f"useradd failed: {added.stderr}")
        return root

    def close(self) -> None:
        """Unmount /proc, then remove the root (a few hundred MB) once nothing is mounted."""
        if self._proc_mounted:
            subprocess.run(["umount", "--lazy", str(self.path / "proc")], check=False)
            self._proc_mounted = False
        if not os.path.ismount(self.path / "proc"):
            shutil.rmtree(self.path, ignore_errors=True)

    def run(
        self, *command: str, env: dict[str, str] | None = None, timeout: float = 600
    ) -> subprocess.CompletedProcess[str]:
        """``command`` as root inside, with a clean environment."""
        clean = {"PATH": SAFE_PATH, "LANG": "C.UTF-8", "DEBIAN_FRONTEND": "noninteractive"}
        return subprocess.run(
            ["chroot", str(self.path), "env", "-i", *_assignments(clean | (env or {})), *command],
            capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=timeout,
        )  # fmt: skip

    def as_clerk(
        self, *command: str, env: dict[str, str] | None = None, timeout: float = 300
    ) -> subprocess.CompletedProcess[str]:
        """``command`` as the clerk, in their home, as their login shell would start it."""
        home = f"/home/{CLERK}"
        clean = {"HOME": home, "USER": CLERK, "LOGNAME": CLERK, "PATH": "/usr/bin:/bin",
                 "LANG": "C.UTF-8"}  # fmt: skip
        return subprocess.run(
            ["chroot", str(self.path), "runuser", "-u", CLERK, "--", "env", "-i", "-C", home,
             *_assignments(clean | (env or {})), *command],
            capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=timeout,
        )  # fmt: skip

    def home(self, *parts: str) -> Path:
        return self.path.joinpath("home", CLERK, *parts)

    def give_to_clerk(self, path: Path) -> None:
        """Make a file placed from outside the clerk's, as if they had written it."""
        inside = "/" + path.relative_to(self.path).as_posix()
        owned = self.run("chown", "-R", f"{CLERK}:{CLERK}", inside)
        assert owned.returncode == 0, owned.stderr


def _assignments(env: dict[str, str]) -> list[str]:
    return [f"{name}={value}" for name, value in env.items()]
