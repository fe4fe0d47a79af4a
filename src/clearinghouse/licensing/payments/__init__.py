"""Paying by bank transfer: reconciliation from a bank statement, the pro-forma invoice."""
