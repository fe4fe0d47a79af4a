"""W3C ODRL policies for offers and licenses, written and read back."""
