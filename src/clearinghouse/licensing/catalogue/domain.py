"""Names of the catalogue's price and term fields (pure: no database, no framework)."""

from __future__ import annotations

# An offer's price, in the order of the quote engine's Price fields.
PRICE_FIELDS = ("currency", "fixed_fee_minor", "per_1000_plays_minor", "per_copy_minor",
                "revenue_share_pct", "advance_minor", "minimum_guarantee_minor")
AMOUNT_FIELDS = PRICE_FIELDS[1:]
# A template's terms: what a licence on it allows (frozen once an active offer prices it).
TERM_FIELDS = ("purpose", "channels", "max_uses", "portion_unit", "portion_value", "modification",
               "territories", "territories_excluded", "term_days", "exclusive")
