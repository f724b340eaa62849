"""What a write changed, as the windows need to know it: the views that show it refresh, and
nothing else does."""

from __future__ import annotations

import enum


class Changed(enum.Flag):
    NOTHING = 0
    LETTERS = enum.auto()  # letters both ways, their copies, controls, drafts
    RECIPIENTS = enum.auto()  # the directory and its lists
    PROFILE = enum.auto()  # the organization, staff, journals, settings
    EVERYTHING = LETTERS | RECIPIENTS | PROFILE  # a set-up file, the demo, a restore
