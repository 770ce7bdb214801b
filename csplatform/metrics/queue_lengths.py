"""Lengths of the Celery queues when Redis is the broker: the messages waiting for a worker.

kombu's Redis transport keeps each queue as a list, one per priority step (the queue's own name for
priority 0, ``<name>\\x06\\x16<step>`` for the others), and the messages a worker has taken but not
acknowledged (acks_late) in one hash.
"""

from __future__ import annotations

import redis
from kombu.transport.redis import PRIORITY_STEPS, Channel

UNACKED_HASH = Channel.unacked_key


def queue_names(app) -> list[str]:
    """Every queue this deployment sends to: the default, the declared ones and the routed ones."""
    conf = app.conf
    names = {conf.task_default_queue}
    names.update(queue.name for queue in conf.task_queues or ())
    routes = conf.task_routes
    for route in routes.values() if isinstance(routes, dict) else ():
        if isinstance(route, dict) and route.get("queue"):
            names.add(getattr(route["queue"], "name", route["queue"]))
    return sorted(names)


def priority_lists(queue: str) -> list[str]:
    return [queue if step == 0 else f"{queue}{Channel.sep}{step}" for step in PRIORITY_STEPS]


def queue_lengths(app) -> tuple[dict[str, int], int] | None:
    """(messages waiting per queue, messages taken but not acknowledged); None when the broker is not Redis."""
    url = app.conf.broker_url or ""
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return None
    client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
    try:
        names = queue_names(app)
        with client.pipeline(transaction=False) as pipe:  # one round trip for every list
            for name in names:
                for key in priority_lists(name):
                    pipe.llen(key)
            pipe.hlen(UNACKED_HASH)
            answers = pipe.execute()
    finally:
        client.close()
    steps = len(PRIORITY_STEPS)
    lengths = {name: sum(answers[i * steps : (i + 1) * steps]) for i, name in enumerate(names)}
    return lengths, answers[-1]
