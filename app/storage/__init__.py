"""Hooks on the database's sessions: the audit events of a change, the audit chain written at
commit, the word index kept in step with every write."""
