"""A throw-away Dovecot IMAP server for the tests: Debian's ``dovecot-imapd``, a temporary folder
with its own configuration, users in a passwd-file, maildirs, listening on loopback only —
plain IMAP on one port, IMAP over TLS on another (a self-signed certificate for 127.0.0.1, which a
test trusts through ``SSL_CERT_FILE``).

Run as root (CI), Dovecot keeps the mail as ``nobody`` (it refuses root's mail); otherwise as
the user running the tests.
"""

from __future__ import annotations

import datetime as dt
import grp
import imaplib
import ipaddress
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.smtp import free_port

DOVECOT = "/usr/sbin/dovecot"
MAILBOXES = 300  # one per test on a worker


def available() -> bool:
    return Path(DOVECOT).exists()


def _self_signed(root: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = root / "cert.pem", root / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


@dataclass
class ImapServer:
    root: Path
    port: int
    tls_port: int
    cert: Path
    mail_uid: int
    mail_gid: int
    users: dict[str, str] = field(default_factory=dict)
    handed_out: list[str] = field(default_factory=list)

    def _make_users(self, count: int) -> None:
        """Mailboxes made before the server starts, handed out one per test (Dovecot re-reads
        a changed passwd-file only when its mtime moves by a second: users added on the fly
        were refused now and then)."""
        for n in range(count):
            login, password = f"clerk-{n}", secrets.token_urlsafe(12)
            self.users[login] = password
            home = self.root / "home" / login
            home.mkdir(parents=True)
            os.chown(home, self.mail_uid, self.mail_gid)
        lines = [f"{user}:{{PLAIN}}{secret}::::::\n" for user, secret in self.users.items()]
        (self.root / "passwd").write_text("".join(lines))
        (self.root / "passwd").chmod(0o644)

    def client(self, login: str) -> imaplib.IMAP4:
        """Another program at the same mailbox (the sender's server delivering, the clerk's mail
        program looking), over plain IMAP."""
        imap = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        imap.login(login, self.users[login])
        return imap

    def deliver(self, login: str, message: bytes, folder: str = "INBOX") -> None:
        imap = self.client(login)
        try:
            imap.append(folder, "", imaplib.Time2Internaldate(time.time()), message)
        finally:
            imap.logout()

    def new_mailbox(self) -> Mailbox:
        login = f"clerk-{len(self.handed_out)}"
        self.handed_out.append(login)
        return Mailbox(self, login, self.users[login])

    def stop(self) -> None:
        subprocess.run(
            [DOVECOT, "-c", str(self.root / "dovecot.conf"), "stop"],
            capture_output=True, timeout=30,
        )  # fmt: skip
        for _ in range(100):
            if not (self.root / "run" / "master.pid").exists():
                break
            time.sleep(0.05)
        shutil.rmtree(self.root, ignore_errors=True)


def start_server() -> ImapServer | None:
    """Start a server, or None when Dovecot is not installed here."""
    if not available():
        return None
    root = Path(tempfile.mkdtemp(prefix="secretariat-imap-"))
    root.chmod(0o755)
    me = pwd.getpwuid(os.getuid()).pw_name
    if os.getuid() == 0:
        mail_user = pwd.getpwnam("nobody")
        mail_uid, mail_gid = mail_user.pw_uid, grp.getgrnam("nogroup").gr_gid
        internal, login_user = "dovecot", "dovenull"
    else:
        mail_uid, mail_gid = os.getuid(), os.getgid()
        internal = login_user = me
    cert, key = _self_signed(root)
    port, tls_port = free_port(), free_port()
    (root / "home").mkdir()
    (root / "dovecot.conf").write_text(
        f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
first_valid_uid = 1
first_valid_gid = 1
default_internal_user = {internal}
default_login_user = {login_user}
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_uid} gid={mail_gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
    ssl = yes
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""
    )
    server = ImapServer(root, port, tls_port, cert, mail_uid, mail_gid)
    server._make_users(MAILBOXES)
    subprocess.run([DOVECOT, "-c", str(root / "dovecot.conf")], check=True, timeout=60)
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
                if probe.recv(100).startswith(b"* OK"):
                    return server
        except OSError:
            pass
        time.sleep(0.05)
    log = (root / "dovecot.log").read_text(errors="replace")[-2000:]
    server.stop()
    raise RuntimeError(f"Dovecot did not start:\n{log}")


@dataclass
class Mailbox:
    """One test's mailbox on the server: where letters are delivered, and the settings the
    program reads it with (plain IMAP on loopback unless told otherwise)."""

    server: ImapServer
    login: str
    password: str

    def settings(self, **changes: Any) -> Any:
        from app.services.arrivals.imap_mailbox import ImapSettings

        values: dict[str, Any] = {
            "host": "127.0.0.1", "port": self.server.port, "security": "none", "login": self.login,
        }  # fmt: skip
        values.update(changes)
        return ImapSettings(**values)

    def deliver(self, message: bytes, folder: str = "INBOX") -> None:
        self.server.deliver(self.login, message, folder)

    def look(self, folder: str = "INBOX") -> dict[int, set[bytes]]:
        """The messages of a folder as the clerk's mail program sees them: uid → flags."""
        from imapclient import IMAPClient

        client = IMAPClient("127.0.0.1", self.server.port, ssl=False, timeout=10)
        try:
            client.login(self.login, self.password)
            client.select_folder(folder, readonly=True)
            found = client.fetch(client.search("ALL"), ["FLAGS"])
            return {uid: set(data[b"FLAGS"]) for uid, data in found.items()}
        finally:
            client.logout()
