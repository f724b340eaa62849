"""The few colours that carry meaning on every screen: late or wrong, warning, done, dimmed."""

from __future__ import annotations

ERROR = "#b3261e"  # overdue, invalid input
WARNING = "#9a6700"  # due soon, a due date on a day off, a reminder sent
GOOD = "#1e7b34"  # received, valid
LATE_GOOD = "#7a5d00"  # received, but late
DIMMED = "#7a7a7a"  # annulled, excused, taken off control
RESERVED = "#1f5fa8"
