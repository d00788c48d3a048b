"""The aggregate directives: comparison tables, claim lists, disagreements, coverage,
reports, source pages and the guide's reference tables, filled from the records.

They never import checks or directives (exceptions: tests/test_layout.py).
"""
