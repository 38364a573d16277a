"""Shared plumbing for every subgraph: settings, app factory, auth, pagination, outbox, cache.

Nothing domain-specific lives here; a subgraph composes these pieces in its entrypoints.
"""
