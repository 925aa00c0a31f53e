"""Domain services: the only code that opens sessions; every face calls these."""
