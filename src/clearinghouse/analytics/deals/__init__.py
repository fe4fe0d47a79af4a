"""Deal flow: investment events in the short-video market, imported from a CSV and summarised
as the report does (events by month, round and category; amounts under explicit conventions)."""
