"""Type-checked use of the public surface and the reply TypedDicts: see README.md here."""
