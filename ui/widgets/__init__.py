"""Widgets the tabs and dialogs are built of: tables, editors, panels, the PDF pages."""
