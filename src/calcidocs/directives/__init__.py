"""Directives that turn pages into records: claims, editorial blocks, vocabulary terms.

They may import the model, the domain, problems, sources, the writers' light nodes and
the helpers of checks (a claim parses its ``:drift-ok:``); never views.
"""
