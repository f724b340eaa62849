"""Registration numbers: the journals' counters, issued once."""
