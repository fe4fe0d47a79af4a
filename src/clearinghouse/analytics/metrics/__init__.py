"""Usage metrics from the cleaned events in the usage lake: active users, use per user,
penetration, audience overlap and demographics, with small cells suppressed."""
