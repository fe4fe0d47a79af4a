"""Identifying an upload: read the licence it carries first, then fingerprint and match it."""
