"""What every layer leans on: errors, paths and settings, bounded reading of files from clerks,
atomic writes, the clock, Russian text helpers, the crash log, the output guard."""
