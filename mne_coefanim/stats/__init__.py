"""Statistics on adapted values: significance across subjects."""
