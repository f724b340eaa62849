"""The journal as a whole: gaps in numbering, printouts for a period, import from Excel."""
