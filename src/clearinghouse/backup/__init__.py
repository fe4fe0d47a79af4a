"""Backup and restore: one archive holding the database, the signing keys and the stored files."""
