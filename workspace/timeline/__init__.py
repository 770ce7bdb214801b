"""One account's timeline: everything that happened to it, newest first, from a registry of sources.

``entries`` holds what a source returns (an ``Entry``) and the span it is asked about (a ``Window`` of the
tenant's days); ``registry`` lists the sources and merges what they return; ``page`` cuts the timeline into
pages of days for the console.
"""
