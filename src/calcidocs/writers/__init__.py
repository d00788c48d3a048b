"""Rendering per builder family: pieces and light nodes as HTML or as nodes, what LaTeX
and the other builders need, fixes to the HTML, and claims.json.

They never import checks or directives (exceptions: tests/test_layout.py).
"""
