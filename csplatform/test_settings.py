"""Test overrides: the same settings module, with test-only conveniences on top."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdef")

from csplatform.settings import *  # noqa: F403
from csplatform.settings import DATABASES, REDIS_URL

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; production keeps PBKDF2
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATABASES["default"]["CONN_MAX_AGE"] = 0

if REDIS_URL:
    # Tests share one Redis: a prefix per run keeps rate-limit counters apart.
    CACHES["default"]["KEY_PREFIX"] = f"csp-test-{os.getpid()}"  # noqa: F405

# Tasks run in-process after commit in tests; the worker tests switch to the real broker.
CELERY_TASK_ALWAYS_EAGER = True

# Tenant exports are written under the system's temporary directory, one per test process.
PRIVATE_MEDIA_ROOT = __import__("pathlib").Path(__import__("tempfile").gettempdir()) / f"csp-private-{os.getpid()}"

# A second database standing for the read replica, holding its own rows: created and migrated only for the
# tests that name it (``django_db(databases=["default", "replica"])``, tests/replica), and read from only
# where such a test sets REPLICA_DATABASE. On SQLite it is a second in-memory database.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {}}
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["replica"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_replica"}
REPLICA_DATABASE = None
REPLICA_MIGRATE = True
