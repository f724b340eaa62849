"""Stored files: the content-addressed store and a letter's files in it."""
