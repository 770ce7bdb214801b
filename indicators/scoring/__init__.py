"""The Django side of scoring: load inputs in bulk, run the pure engine, store scores and history."""
