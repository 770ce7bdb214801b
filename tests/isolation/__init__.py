"""Cross-tenant isolation suite: tenant A walks every API operation and admin page with tenant B's ids.

Nobody has to remember to add cases: B's data comes from one builder per model (``world.py``; a
new model without one fails ``test_coverage``), the API walk iterates the OpenAPI schema
(``test_api_walk.py``), the admin walk the admin registry and its URL patterns
(``test_admin_walk.py``), the ingest walk the tracking routes (``test_ingest_walk.py``), and every
URL of the project must belong to a walk or be exempt with a reason (``inventory.py``).

- ``canaries.py``: B's canary strings and the scanner that finds them in responses.
- ``models.py``: which models hold tenant data and which rows are B's.
- ``fingerprint.py``: B's fingerprint, references into B, privilege state (precompiled SQL).
- ``probe.py``: one request as one of A's principals, with every check; the 404/403 rule.
- ``api_bodies.py`` / ``admin_forms.py``: request bodies and admin form data built generically.
- ``known_leaks.py`` / ``test_known_issues.py``: issues found, set aside by the walks and reproduced
  by ``xfail(strict=True)`` tests until fixed.
- ``stats.py`` / ``conftest.py``: the matrix summary printed at the end of the run.
"""
