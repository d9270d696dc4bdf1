"""Example data: the simulated working-memory study."""
