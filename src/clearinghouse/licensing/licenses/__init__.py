"""Buying a quote: licenses, payments and exclusivity."""
