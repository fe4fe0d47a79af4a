"""Usage claims: an owner claims that an unmatched item of usage is one of its works, with
evidence; the operator accepts (the item's identifier becomes an alias of the work for matching)
or rejects it. See docs/royalties-matching.md, "Claims"."""
