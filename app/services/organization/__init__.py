"""The organization's profile, staff and journals; the set-up file."""
