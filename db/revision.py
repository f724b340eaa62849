"""The schema revision this program works with: the head of ``db/migrations`` (a test keeps the
two equal). Apart from ``db.schema`` so that the window's start can compare it without importing
SQLAlchemy."""

HEAD_REVISION = "0023"
