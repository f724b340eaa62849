"""Where arrivals come from, as the set-up names them: the МЭДО client's exchange folders and
the mailbox letters arrive in."""

from __future__ import annotations

from pathlib import Path

from app.services.arrivals.imap_mailbox import ImapSettings, imap_settings
from db.engine import Database


def exchange_folders(db: Database) -> tuple[Path | None, Path | None]:
    """The МЭДО client's incoming and outgoing folders as the set-up names them (None: not
    named)."""
    from app.services.organization.profile import get_organization

    org = get_organization(db)
    return (None, None) if org is None else org.medo_folders


def mailbox_settings(db: Database) -> ImapSettings | None:
    """The mailbox letters arrive in, as the set-up names it (None: not named)."""
    from app.services.organization.profile import get_organization

    org = get_organization(db)
    if org is None or not org.imap_host.strip():
        return None
    return imap_settings(org)
