"""The CSV import pipeline's pure steps: read a file, suggest a mapping, assemble rows."""
