"""Enforcement: content claims on identified uploads, owners' policies, notices, disputes, escrow."""
