"""Pricing a stated use: the quote engine, quotes, and referrals for uses no offer clears."""
