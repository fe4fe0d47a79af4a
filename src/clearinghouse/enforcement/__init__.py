"""Enforcement: what happens when a registered work is found in an upload."""
