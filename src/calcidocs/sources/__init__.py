"""Sources: the manifest and the sources folder's boundary, one read per build,
normalisation, quote matching and the closest passage, and coverage.

Imports nothing of calcidocs outside this package but :mod:`calcidocs.model`.
"""
