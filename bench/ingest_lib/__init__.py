"""Parts of bench/ingest.py: synthetic data, database set-up, the gunicorn server, load clients, profiling."""
