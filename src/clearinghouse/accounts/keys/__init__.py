"""Every signed-in person's API keys page."""
