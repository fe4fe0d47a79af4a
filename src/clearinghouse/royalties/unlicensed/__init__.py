"""Turning unlicensed use into action: the owner of a work offers the party that used it a licence
for that use (a quote addressed to it, bought through the ordinary purchase path), or records a
claim against it; the user accepts the offer, or disputes the claim."""
