"""The registration journal: numbers, letters, their cards and lists, search."""
