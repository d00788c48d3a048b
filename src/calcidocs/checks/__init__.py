"""Checks that read the records after reading: uncited prose, drift and its lexicon,
readability, the review lock and its sign-off, cross-document checks, fresh pages.

They may import anything of calcidocs but ``check.py``; only ``setup()``, ``check.py``
and the exceptions listed in tests/test_layout.py import them.
"""
