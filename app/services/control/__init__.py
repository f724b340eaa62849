"""The control of reports the letters ask for."""
