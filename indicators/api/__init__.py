"""REST API for events and the product catalogue."""
