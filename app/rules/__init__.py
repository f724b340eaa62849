"""Rules without storage and without Qt: numbering, declension, the letter's layout and body,
states, report forms, calendars, search terms, spelling, signatures. Nothing here imports
SQLAlchemy or ``db`` (``tests/test_architecture.py``)."""
