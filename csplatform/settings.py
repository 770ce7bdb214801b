"""Settings, read from the environment (and an optional .env file) with django-environ.

Embedded default: SQLite and in-process tasks. Production: DATABASE_URL, REDIS_URL, SECRET_KEY,
DEBUG=false, ALLOWED_HOSTS. See the README's configuration table.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from csplatform.queues import task_routes

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "csplatform.apps.AdminConfig",
    "csplatform.apps.CsplatformConfig",  # before staticfiles: its runserver runs beat's schedule without a broker
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_prometheus",
    "accounts",
    "indicators",
    "outcomes",
    "surveys",
    "followups",
    "alerts",
    "workspace",
    "notifications",
    "privacy",
    "demo",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",  # first: times the whole stack
    "csplatform.request_id.RequestIdMiddleware",  # early: the later middlewares' log lines carry the id
    "csplatform.replica_pin.ReplicaPinMiddleware",  # a client that just wrote reads from the primary
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.ActiveTenantMiddleware",
    "accounts.session_tracking.SignedInSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",  # last: labels each response with its view
]

ROOT_URLCONF = "csplatform.urls"
WSGI_APPLICATION = "csplatform.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "privacy.context_processors.tenant_deletion",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent web + in-process work on a laptop: wait for the write lock instead of failing.
    # WAL: a long read (a tenant export running in-process) no longer blocks every writer until it ends.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # Parameters travel beside the statement instead of being quoted into its text in Python: the hot
    # paths send a JSON document of hundreds of rows per statement (bench/ingest.py, bench/recompute.py).
    # Statements are not prepared (Django's default, safe behind PgBouncer): a generic plan for the
    # chunk loaders' ``= ANY(ids)`` scans was measured 30 x slower than the planned-each-time one.
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = env.bool(
        "DATABASE_SERVER_SIDE_BINDING", default=True
    )
    # Behind PgBouncer in transaction pooling a cursor cannot outlive its transaction: turn this on there.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
        "DATABASE_DISABLE_SERVER_SIDE_CURSORS", default=False
    )

# Row-level security (PostgreSQL; accounts/rls.py): every ``migrate`` keeps the policies and this role's grants;
# with DATABASE_RLS on, connections act as the role and each transaction is scoped to its tenant. Migrate as
# the tables' owner (DATABASE_RLS off), serve and work with it on.
DATABASE_RLS_ROLE = env.str("DATABASE_RLS_ROLE", default="csplatform_app")
DATABASE_RLS = env.bool("DATABASE_RLS", default=False)

# A read replica (a PostgreSQL streaming copy of the primary) for dashboards, reports and exports. Only the
# reads inside accounts.replica.reading_from_replica() go to it; a client that wrote within REPLICA_PIN_SECONDS
# reads from the primary. Migrations never run on it (REPLICA_MIGRATE is for the test replica only).
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
REPLICA_DATABASE = "replica" if DATABASE_REPLICA_URL else None
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {**env.db_url_config(DATABASE_REPLICA_URL), "ATOMIC_REQUESTS": False}
    DATABASES["replica"].setdefault("CONN_MAX_AGE", DATABASES["default"]["CONN_MAX_AGE"])
    DATABASES["replica"].setdefault("OPTIONS", {}).update(DATABASES["default"].get("OPTIONS", {}))
DATABASE_ROUTERS = ["csplatform.db_router.ReplicaRouter"]
REPLICA_PIN_SECONDS = env.float("REPLICA_PIN_SECONDS", default=5.0)
if not 0 < REPLICA_PIN_SECONDS <= 3600:
    raise ImproperlyConfigured("REPLICA_PIN_SECONDS must be more than 0 and at most 3600.")
REPLICA_MIGRATE = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Request bodies above this size get a 413 (the JSON API never needs more).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024)

# --- Redis, cache and Celery -------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "csp",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# Without a broker, tasks run in-process; accounts.background.enqueue_on_commit runs them after
# the transaction commits, exactly where a worker would pick them up.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_TIMEOUT = 1
# max_retries 0: sending a task (a request's after-commit kick, beat) fails at once when the broker is down,
# instead of kombu sleeping 2 s before giving up; the periodic sweeps do that work. A worker's own
# connection keeps retrying with broker_connection_* (they pass their own limits).
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2, "max_retries": 0}
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="csplatform")
if env.bool("CELERY_QUEUES_PER_WORKLOAD", default=False):  # csplatform/queues.py
    CELERY_TASK_ROUTES = task_routes(CELERY_TASK_DEFAULT_QUEUE)

# --- Email ----------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="csplatform <no-reply@csplatform.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Absolute links in emails (invitations, password resets sent by workers).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# --- Security -----------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe, and Prometheus scrapes, over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Failed logins (django-axes): lock a username from an address after 5 failures for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# The address a lockout is keyed on: the one function every per-address limit uses (password resets,
# anonymous API throttling), so X-Forwarded-For is read only as far as TRUSTED_PROXY_COUNT allows.
AXES_CLIENT_IP_CALLABLE = "accounts.client_address.client_address"

# Two-factor sign-in (django-otp): TOTP codes from an authenticator app, single-use recovery codes.
# A wrong code doubles the wait before the next one may be tried (1, 2, 4 ... seconds, per device), and a
# session that sends TWO_FACTOR_MAX_ATTEMPTS wrong codes is signed out: the password is asked for again.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="csplatform")
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
TWO_FACTOR_MAX_ATTEMPTS = env.int("TWO_FACTOR_MAX_ATTEMPTS", default=5)
# A signed-in session's "last seen" is written at most once per this many seconds (not on every request).
SESSION_SEEN_EVERY_SECONDS = 60

# How many reverse proxies (load balancers) stand in front of the application and append the address
# they saw to X-Forwarded-For. 0: the header is ignored and the socket's address is the client's, so a
# client cannot pick its own address; behind one load balancer, 1.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Password-reset emails: at most this many an hour for one email address and from one client address.
# Over either, the page answers as usual and nothing is sent (logged), so it never tells which emails exist.
PASSWORD_RESET_PER_EMAIL_PER_HOUR = env.int("PASSWORD_RESET_PER_EMAIL_PER_HOUR", default=5)
PASSWORD_RESET_PER_ADDRESS_PER_HOUR = env.int("PASSWORD_RESET_PER_ADDRESS_PER_HOUR", default=20)

# Audit trail (django-simple-history): history is read-only; nobody reverts through admin.
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False

INVITATION_MAX_AGE = timedelta(days=env.int("INVITATION_MAX_AGE_DAYS", default=7))

# --- REST API -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.authentication.ApiKeyAuthentication",
        "accounts.api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.api.permissions.TenantRolePermission"],
    "DEFAULT_THROTTLE_CLASSES": ["accounts.api.throttling.TenantPrincipalThrottle"],
    "DEFAULT_PAGINATION_CLASS": "accounts.api.pagination.CreatedCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "accounts.api.strict_query.StrictDjangoFilterBackend",
        "accounts.api.strict_query.StrictOrderingFilter",
    ],
    "DEFAULT_RENDERER_CLASSES": ["accounts.api.renderers.SafeJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["accounts.api.parsers.StrictJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "accounts.api.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "accounts.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
API_DEFAULT_RATE_PER_MINUTE = env.int("API_DEFAULT_RATE_PER_MINUTE", default=1200)
INGEST_MESSAGES_PER_MINUTE = env.int("INGEST_MESSAGES_PER_MINUTE", default=1_200_000)  # per ingest key
# Ceilings on the limits tenants set themselves (a key's requests per minute, the tenant's ingestion
# messages per minute): one tenant's share of the shared web workers. Higher values are refused, and
# rows stored above a ceiling are applied at it.
API_RATE_PER_MINUTE_MAX = env.int("API_RATE_PER_MINUTE_MAX", default=12_000)
INGEST_MESSAGES_PER_MINUTE_MAX = env.int("INGEST_MESSAGES_PER_MINUTE_MAX", default=6_000_000)
DRF_STANDARDIZED_ERRORS = {"ENABLE_IN_DEBUG_FOR_UNHANDLED_EXCEPTIONS": False}

SPECTACULAR_SETTINGS = {
    "TITLE": "csplatform API",
    "DESCRIPTION": (
        "Customer-success data for one tenant. Authenticate with `Authorization: Bearer <api key>`. "
        "Every 4xx answers with one error shape: `type` and a list of `errors`, each with `code`, "
        "`detail` and `attr` (the field, or null)."
    ),
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "WebhookEndpointKindEnum": "notifications.models.endpoint.EndpointKind.choices",
        "LifecycleStageEnum": "accounts.models.customers.LifecycleStage.choices",
        "FollowUpStatusEnum": "followups.models.choices.Status.choices",
        "AlertStatusEnum": "alerts.models.alert.AlertStatus.choices",
        "SurveyStatusEnum": "surveys.models.choices.SurveyStatus.choices",
        "SurveySendStatusEnum": "surveys.models.choices.SendStatus.choices",
        "BandEnum": "indicators.models.health.Band.choices",
        "ResponseOutcomeEnum": ["created", "amended", "unchanged", "duplicate"],
        "RenewalOutcomeEnum": "outcomes.models.renewals.Outcome.choices",
        "CsmCallEnum": "outcomes.models.renewals.CsmCall.choices",
        "MovementKindEnum": "outcomes.models.ledger.MovementKind.choices",
        "ValidationErrorEnum": "drf_standardized_errors.openapi_serializers.ValidationErrorEnum.choices",
        "ClientErrorEnum": "drf_standardized_errors.openapi_serializers.ClientErrorEnum.choices",
        "ServerErrorEnum": "drf_standardized_errors.openapi_serializers.ServerErrorEnum.choices",
        "ErrorCode401Enum": "drf_standardized_errors.openapi_serializers.ErrorCode401Enum.choices",
        "ErrorCode403Enum": "drf_standardized_errors.openapi_serializers.ErrorCode403Enum.choices",
        "ErrorCode404Enum": "drf_standardized_errors.openapi_serializers.ErrorCode404Enum.choices",
        "ErrorCode405Enum": "drf_standardized_errors.openapi_serializers.ErrorCode405Enum.choices",
        "ErrorCode406Enum": "drf_standardized_errors.openapi_serializers.ErrorCode406Enum.choices",
        "ErrorCode415Enum": "drf_standardized_errors.openapi_serializers.ErrorCode415Enum.choices",
        "ErrorCode429Enum": "drf_standardized_errors.openapi_serializers.ErrorCode429Enum.choices",
        "ErrorCode500Enum": "drf_standardized_errors.openapi_serializers.ErrorCode500Enum.choices",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_standardized_errors.openapi_hooks.postprocess_schema_enums",
        "indicators.ingest.openapi.tracking_paths_add",
        "csplatform.openapi.tags_by_resource",
        "csplatform.openapi.bulk_bounds_add",
        "csplatform.openapi.conditional_requirements_add",
        "csplatform.openapi.response_fields_as_answered",
        "csplatform.openapi.nullable_as_openapi31",  # last: after every hook that may add a 3.0 ``nullable``
    ],
    # The events csplatform sends to webhook endpoints (OpenAPI 3.1 ``webhooks``).
    "WEBHOOKS": "notifications.webhook_docs.WEBHOOKS",
}

# "json": one JSON object a line with request_id, tenant_id and task_id (csplatform.log_format), for a log
# store; "text": the message alone, for a person at a terminal (the default with DEBUG, so `make run` reads well).
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured("LOG_FORMAT must be json or text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"log_context": {"()": "accounts.log_context.LogContextFilter"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
        "json": {"()": "csplatform.log_format.json_formatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["log_context"],
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        },
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own handlers (console in DEBUG, mail_admins) replaced by the root's: each line printed once.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # The development server's request lines, as Django prints them (configuring "django" resets its children).
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        # A 4xx is an answer, not an incident: the server's request line already shows it, and a 403 here
        # came with the traceback of the PermissionDenied behind it. 5xx are still logged, with theirs.
        "django.request": {"level": "ERROR"},
        "django.db.backends": {"level": "WARNING"},
        # Without a broker every task runs eagerly: celery's "Task ... succeeded" line would follow each one,
        # and kombu warns that the in-memory transport has no host name. A worker keeps its own logging.
        **({} if REDIS_URL else {"celery.app.trace": {"level": "WARNING"}, "kombu.connection": {"level": "ERROR"}}),
    },
}

# --- Metrics (GET /metrics, for Prometheus) ---------------------------------------------------
# The scraper's bearer token. Unset: /metrics answers 404. With several processes, also set
# PROMETHEUS_MULTIPROC_DIR (an empty directory, wiped at each start) in the environment of every one.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
if METRICS_TOKEN and len(METRICS_TOKEN) < 24:
    raise ImproperlyConfigured("METRICS_TOKEN must be at least 24 characters (e.g. `openssl rand -hex 32`).")

# --- Periodic work (Celery beat; `make run` embeds beat in the worker when REDIS_URL is set) ------
# Durable recompute marks are swept every RECOMPUTE_MARKED_SWEEP_SECONDS once older than RECOMPUTE_MARK_GRACE_SECONDS.
RECOMPUTE_MARKED_SWEEP_SECONDS = env.float("RECOMPUTE_MARKED_SWEEP_SECONDS", default=60.0)
RECOMPUTE_MARK_GRACE_SECONDS = env.float("RECOMPUTE_MARK_GRACE_SECONDS", default=30.0)
CELERY_BEAT_SCHEDULE = {
    "sweep-dirty-accounts": {"task": "indicators.sweep_dirty_accounts", "schedule": 1.0},
    "sweep-marked-accounts": {"task": "indicators.sweep_marked_accounts", "schedule": RECOMPUTE_MARKED_SWEEP_SECONDS},
    "sweep-expired-gut-reads": {"task": "indicators.sweep_expired_gut_reads", "schedule": 10.0},
    "recompute-all-accounts": {"task": "indicators.recompute_all_accounts", "schedule": 6 * 3600.0},
    "prune-ingestion-records": {"task": "indicators.prune_ingestion_records", "schedule": 24 * 3600.0},
    "maintain-event-partitions": {"task": "indicators.maintain_event_partitions", "schedule": 24 * 3600.0},
    "sweep-overdue-followups": {"task": "followups.sweep_overdue_followups", "schedule": 300.0},
    "evaluate-alert-rules": {"task": "alerts.evaluate_all_rules", "schedule": 24 * 3600.0},
    "reconcile-outcomes": {"task": "outcomes.reconcile_all", "schedule": 24 * 3600.0},
    "analyse-outcomes": {"task": "outcomes.analyse_all", "schedule": 7 * 24 * 3600.0},
    "forecast-renewals": {"task": "outcomes.forecast_all", "schedule": 24 * 3600.0},
    "surveys-tick": {"task": "surveys.tick", "schedule": 60.0},
    "send-due-digests": {"task": "workspace.send_due_digests", "schedule": 15 * 60.0},
    "sweep-red-renewals": {"task": "workspace.sweep_red_renewals", "schedule": 60 * 60.0},
    "webhook-deliveries-due": {"task": "notifications.deliveries_due", "schedule": 5.0},
    "delete-due-tenants": {"task": "privacy.delete_due_tenants", "schedule": 60 * 60.0},
    "expire-tenant-exports": {"task": "privacy.expire_tenant_exports", "schedule": 60 * 60.0},
}
CELERY_TASK_REJECT_ON_WORKER_LOST = True

# Webhooks: http and loopback destinations (127.0.0.0/8, ::1) are refused unless this is on, which only
# tests and local development (DEBUG) should do; every other non-public address is always refused.
WEBHOOKS_ALLOW_LOOPBACK = env.bool("WEBHOOKS_ALLOW_LOOPBACK", default=DEBUG)
# After a secret rotation the old secret keeps signing this long, so receivers can switch without a gap.
WEBHOOKS_SECRET_OVERLAP = timedelta(hours=env.int("WEBHOOKS_SECRET_OVERLAP_HOURS", default=24))
WEBHOOKS_TIMEOUT_SECONDS = env.float("WEBHOOKS_TIMEOUT_SECONDS", default=15.0)
# POSTs in flight at once per worker process: a slow receiver holds one thread for its timeout, not the queue.
WEBHOOKS_SEND_CONCURRENCY = env.int("WEBHOOKS_SEND_CONCURRENCY", default=10)
if not 1 <= WEBHOOKS_SEND_CONCURRENCY <= 100:
    raise ImproperlyConfigured("WEBHOOKS_SEND_CONCURRENCY must be a whole number from 1 to 100.")
# An endpoint whose every attempt has failed for this many days since the first failure (no 2xx since) is
# disabled, and its tenant's admins are emailed.
WEBHOOKS_DISABLE_AFTER_DAYS = env.int("WEBHOOKS_DISABLE_AFTER_DAYS", default=5)
if WEBHOOKS_DISABLE_AFTER_DAYS < 1:
    raise ImproperlyConfigured("WEBHOOKS_DISABLE_AFTER_DAYS must be a whole number of days, 1 or more.")

# --- Privacy (privacy/) -------------------------------------------------------------------------
# A scheduled tenant deletion runs this many days after it is asked for; until then it can be cancelled.
TENANT_DELETION_GRACE_DAYS = env.int("TENANT_DELETION_GRACE_DAYS", default=30)
if TENANT_DELETION_GRACE_DAYS < 1:
    raise ImproperlyConfigured("TENANT_DELETION_GRACE_DAYS must be a whole number of days, 1 or more.")
# A tenant export's zip is downloadable this many days, then its file is removed.
TENANT_EXPORT_KEEP_DAYS = env.int("TENANT_EXPORT_KEEP_DAYS", default=7)
if TENANT_EXPORT_KEEP_DAYS < 1:
    raise ImproperlyConfigured("TENANT_EXPORT_KEEP_DAYS must be a whole number of days, 1 or more.")
# Where tenant exports are written: a directory never served over HTTP (downloads go through a view that
# checks the caller is an admin of the export's tenant).
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private_media")
# Rows read per database round trip by exports and tenant deletion: memory stays flat whatever the size.
PRIVACY_CHUNK_ROWS = env.int("PRIVACY_CHUNK_ROWS", default=2000)
