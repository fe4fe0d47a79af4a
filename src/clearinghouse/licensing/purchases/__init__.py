"""Buying a quote: the step above licences, payments and certificates that ties them together."""
