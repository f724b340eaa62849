"""Incoming correspondence: registration, the card, the list, resolutions and execution."""
