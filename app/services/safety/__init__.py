"""Keeping the registry safe: backups, restores, checks, migration, the audit record."""
