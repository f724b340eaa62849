"""The recipient directory: officials and organizations, imports, distribution lists."""
