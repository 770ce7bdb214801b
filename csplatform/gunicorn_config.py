"""gunicorn settings for production: ``gunicorn -c python:csplatform.gunicorn_config csplatform.wsgi``.

Only what the metrics need; everything else is given on the command line or in GUNICORN_CMD_ARGS.
"""

import os

from prometheus_client import multiprocess


def child_exit(server, worker):
    # A dead worker's live gauges leave the sum; its counters stay counted (prometheus_client multiprocess mode).
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
