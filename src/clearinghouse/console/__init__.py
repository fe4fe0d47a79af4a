"""The operator's console: pages over the features' services, for the operator role only."""
