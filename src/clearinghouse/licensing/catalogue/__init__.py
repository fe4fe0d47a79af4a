"""What can be licensed and at what price: templates, rate cards (offers), exchange rates and fees."""
