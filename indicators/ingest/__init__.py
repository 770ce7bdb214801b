"""Event ingestion: decode, validate, store durably with rollups, in one transaction per request."""
