"""Market and usage analytics: the 2017 report's view for owners, platforms and the operator."""
