"""Delivering licensed files: download links and their use."""
