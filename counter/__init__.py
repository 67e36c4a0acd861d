"""The counter page: where an officer logs in, picks a counter and serves visitors."""
