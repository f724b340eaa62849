"""The program's version, read by the build and shown by ``--version``."""

__version__ = "0.1.0"
