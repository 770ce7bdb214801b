"""Send identify, group and track calls to csplatform with Segment's Python library (segment-analytics-python).

CSP_WRITE_KEY=csp_... CSP_HOST=http://127.0.0.1:8000 python docs/examples/segment_python.py
"""

import os
import sys

import segment.analytics as analytics

analytics.write_key = os.environ["CSP_WRITE_KEY"]  # a tenant API key with the ingest scope
analytics.host = os.environ.get("CSP_HOST", "http://127.0.0.1:8000")  # instead of api.segment.io
analytics.on_error = lambda error, batch: print(f"csplatform refused {len(batch)} messages: {error}", file=sys.stderr)

# The user becomes a contact, the group an account (linked to the user), the track a usage event of it.
analytics.identify("u-42", {"email": "ada@globex.example", "name": "Ada Lovelace", "title": "CTO"})
analytics.group("u-42", "globex", {"name": "Globex", "plan": "enterprise", "arr": 120000, "seats": 250})
analytics.track("u-42", "Report Exported", {"format": "csv"})

analytics.flush()  # the library uploads from a background thread: wait for it before the program ends
