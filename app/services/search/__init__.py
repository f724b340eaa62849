"""The word index searched by the journals and the directory."""
