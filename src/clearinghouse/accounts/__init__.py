"""Accounts for people: a person signs in with email and password and acts for one party."""
