"""Enforcement: content claims on identified uploads, owners' policies, disputes, escrow."""
