"""Royalties: usage matched to licences, rated by their running terms, split among co-holders,
posted to the ledger, stated and paid out.

- `contracts`: the shapes the matching pipeline hands to rating (matched, unmatched, unlicensed);
- `pipeline/`: clean → aggregate → match, written once with Ibis (DuckDB embedded, Spark at scale);
- `domain`: the pure rating rules (per 1,000 plays, per copy, revenue share, advance recoupment,
  minimum guarantee true-up, service fees, conversion, the split that sums exactly).
"""
