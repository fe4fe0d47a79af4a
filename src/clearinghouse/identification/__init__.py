"""Content identification: reference media for works, fingerprints, and finding them in uploads."""
