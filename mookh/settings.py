"""Settings come from the environment only; `.env.example` documents every variable."""
import logging
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from csp import constants as csp_constants

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Variables already in the environment win over the file; ENV_FILE names another file to read.
environ.Env.read_env(env("ENV_FILE", default=str(BASE_DIR / ".env")), overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# The development key is long enough for HS256 (tokens are signed with it unless JWT_SIGNING_KEY).
SECRET_KEY = env("SECRET_KEY", default="insecure-development-key-for-make-run-only-never-in-production"
                 if DEBUG else environ.Env.NOTSET)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Reverse proxies in front of the server. 0: it faces the internet, and X-Forwarded-* headers are
# the client's own words, never trusted. Above 0: the proxy's X-Forwarded-Proto says https.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
if NUM_PROXIES > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "axes",
    "corsheaders",
    "django_prometheus",
    "django_structlog",
    "mookh.core",
    "users",
    "notifications",
    "stores",
    "promos",
    "orders",
    "tickets",
    "payments",
]

MIDDLEWARE = [
    # First and last: django-prometheus times and counts every request between them.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # The request id (X-Request-ID, or a new one), then the request's log line (mookh.core.request_log).
    "mookh.core.request_log.RequestIdMiddleware",
    "django_structlog.middlewares.RequestMiddleware",
    # Before anything that may answer on its own, so that those answers carry CORS headers too.
    "corsheaders.middleware.CorsMiddleware",
    # Before any middleware that reads the body (CSRF reads forms): too large is refused unread.
    "mookh.core.body_limit.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "mookh.core.error_pages.JsonNotFoundMiddleware",
    # Serves /static/ (collectstatic's STATIC_ROOT) under gunicorn too; runserver serves it with DEBUG.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "mookh.core.security.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "mookh.urls"
WSGI_APPLICATION = "mookh.wsgi.application"
# Routes accept both forms themselves (see mookh.core.api); no redirects.
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# No DATABASE_URL: an embedded SQLite file so that `make run` works anywhere.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    # Off by default: the check costs a round trip per request; a broken connection is dropped on error.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("DATABASE_CONN_HEALTH_CHECKS", default=False)
    DATABASES["default"].setdefault("OPTIONS", {})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "users.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = env.list(
    "PASSWORD_HASHERS",
    default=[
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    ],
)

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", default="Africa/Nairobi")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private_media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Request bodies (mookh.core.body_limit): a larger Content-Length is answered 413 unread. JSON and
# forms on every route; multipart uploads (posters, photos: 5 MB images) more; and the routes below.
REQUEST_BODY_MAX_BYTES = env.int("REQUEST_BODY_MAX_BYTES", default=1024 * 1024)
UPLOAD_BODY_MAX_BYTES = env.int("UPLOAD_BODY_MAX_BYTES", default=8 * 1024 * 1024)
REQUEST_BODY_MAX_BYTES_BY_ROUTE = {
    # Sold album files (up to 200 MB each, stores.api.fields) and their form fields.
    "album-media-file-list": env.int("MEDIA_FILE_UPLOAD_BODY_MAX_BYTES", default=210 * 1024 * 1024),
    # /v1 order imports (up to 2000 orders), parsed with this bound (orders.voucherify.api.plumbing).
    "voucherify-orders-import": DATA_UPLOAD_MAX_MEMORY_SIZE,
}

# Throttles, per-account limits and per-recipient message limits count in this cache, so every
# process must share it. CACHE_URL wins; without it, a Redis broker lends db 1 of its server;
# without either, each process counts in its own memory (fine for `make run` only).
_cache_url = env("CACHE_URL", default="")
_broker_url = env("CELERY_BROKER_URL", default="")
if not _cache_url and _broker_url.startswith(("redis://", "rediss://")):
    _cache_url = urlunsplit(urlsplit(_broker_url)._replace(path="/1"))
CACHES = {"default": environ.Env.cache_url_config(_cache_url or "locmemcache://")}
# A Redis that is down is an empty cache (mookh.core.cache): limits go uncounted, requests go on.
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "mookh.core.cache.RedisCache"
# After the cache or the broker failed to answer, each process leaves it alone this long, so that
# a server that is down costs one request its timeout, not every request.
SERVER_DOWN_PAUSE_SECONDS = env.float("SERVER_DOWN_PAUSE_SECONDS", default=10)

# --- Celery: no broker configured means tasks run in-process (make run, SQLite) ---
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Keep the worker's database connection across tasks instead of reconnecting for each one.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="mookh")
# Requests publish tasks (mookh.core.publishing) once, without retry, kombu reconnecting at once
# (not after its default 2 s) and short socket timeouts: a broker that refuses connections costs a
# request nothing, one that does not answer about 2 s, once per SERVER_DOWN_PAUSE_SECONDS and
# process. What could not be published waits in the database for the periodic jobs.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1, "interval_start": 0, "interval_step": 0, "interval_max": 0,
    "socket_connect_timeout": 1, "socket_timeout": 2,  # above kombu's 1 s BRPOP wait
    # A task a worker received is given to another one when it is not acknowledged within this
    # (acks_late: the worker died). Above every time limit and every retry countdown (the outbox's
    # longest backoff), so that a task still running or waiting is never handed out twice
    # (notifications.checks); dead workers' messages come back sooner through the outbox lease.
    "visibility_timeout": 3600,
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE

# --- Email: Django's own settings; any django-anymail backend works by configuration ---
# With DEBUG (`make run`) and no backend named, email and SMS are written under SENT_MESSAGES_DIR.
SENT_MESSAGES_DIR = BASE_DIR / "sent_messages"
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend" if DEBUG
                    else "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(SENT_MESSAGES_DIR / "emails"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Mookh <no-reply@mookh.local>")
ANYMAIL = env.json("ANYMAIL", default={})

# --- Notifications: SMS backend, outbox delivery policy, Celery beat schedule ---
# A dotted path, or one of the short names console, file, locmem, africastalking.
SMS_BACKEND = env("SMS_BACKEND", default="file" if DEBUG else "console")
SMS_FILE_PATH = env("SMS_FILE_PATH", default=str(SENT_MESSAGES_DIR / "sms.jsonl"))
SMS_SENDER_ID = env("SMS_SENDER_ID", default="")
AFRICASTALKING_USERNAME = env("AFRICASTALKING_USERNAME", default="sandbox")
AFRICASTALKING_API_KEY = env("AFRICASTALKING_API_KEY", default="")
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=5)
OUTBOX_RETRY_BACKOFF_SECONDS = env.int("OUTBOX_RETRY_BACKOFF_SECONDS", default=30)
OUTBOX_RETRY_BACKOFF_MAX_SECONDS = env.int("OUTBOX_RETRY_BACKOFF_MAX_SECONDS", default=1800)
# Must exceed the delivery task's hard time limit (45 s): a SENDING row older than this is
# taken to belong to a dead worker and is claimed again.
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=300)
# Dotted path of a callable(message=OutboxMessage) run when a message becomes SENT.
OUTBOX_SENT_HOOK = env("OUTBOX_SENT_HOOK", default="orders.services.messages.order_message_delivered")
# Messages sent to one address or number per channel (counted in the shared cache); the rest are
# recorded DEAD with last_error "rate_limited: ..." and not sent. An order sends each customer at
# most created + (ORDER_MAX_INSTALLMENTS - 1) payments received + paid = 8 per channel.
OUTBOX_EMAIL_RECIPIENT_RATE = env("OUTBOX_EMAIL_RECIPIENT_RATE", default="10/hour")
OUTBOX_SMS_RECIPIENT_RATE = env("OUTBOX_SMS_RECIPIENT_RATE", default="10/hour")
# Message types with a limit of their own instead (template=rate,...): a POS agent's receipt per
# sale, and paid orders' tickets, which messages that cost nothing to cause (codes, pay-later
# instructions) must not crowd out.
OUTBOX_TEMPLATE_RECIPIENT_RATES = env.dict("OUTBOX_TEMPLATE_RECIPIENT_RATES",
                                           default={"order_paid_agent": "600/hour", "order_paid": "10/hour"})
# Run by `celery -A mookh beat` (django_celery_beat copies these entries into its tables).
# Periodic jobs select due ids and fan out one task each; add new jobs as entries here.
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {
        "task": "notifications.tasks.messages_sweep_task",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "orders-expire-due": {
        "task": "orders.tasks.orders_expire_due_task",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "orders-remind-due": {
        "task": "orders.tasks.orders_remind_due_task",
        "schedule": 600.0,
        "options": {"expires": 590},
    },
    # Mobile money requests whose callback is late or lost: the providers are asked about them.
    "payments-reconcile-due": {
        "task": "payments.tasks.payments_reconcile_due_task",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
}
# --- end of notifications ---

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "users.authentication.JWTAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "mookh.core.api.Pagination",
    "DEFAULT_PARSER_CLASSES": [
        "mookh.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "mookh.core.filters.FilterBackend",
        "mookh.core.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "mookh.core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "mookh.core.api.exception_handler",
    # A view that names its own throttles replaces these (tests/core/test_route_limits.py lists each route's).
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.ScopedRateThrottle",
                                 "mookh.core.throttling.ApiAddressLimit"],
    "DEFAULT_THROTTLE_RATES": {
        # Every API route without a per-address limit of its own: generous (carrier NAT).
        "api_address": env("THROTTLE_API_ADDRESS", default="1200/min"),
        # Album file downloads per link (each paid line's file has its own).
        "download_link": env("THROTTLE_DOWNLOAD_LINK", default="20/hour"),
        # The OpenAPI schema, generated on each request (seconds of CPU), per address.
        "schema_address": env("THROTTLE_SCHEMA_ADDRESS", default="30/min"),
        # /metrics: refused scrapes (wrong or no token) per address before even the right token is refused.
        "metrics_failures": env("THROTTLE_METRICS_FAILURES", default="30/hour"),
        # Accounts (users.api.views): per email named in the body (the account an attacker targets,
        # whatever address they come from) and generously per client address (carrier NAT).
        "login": env("THROTTLE_LOGIN", default="20/hour"),
        "login_address": env("THROTTLE_LOGIN_ADDRESS", default="300/min"),
        "token_refresh_address": env("THROTTLE_TOKEN_REFRESH_ADDRESS", default="300/min"),
        "registration": env("THROTTLE_REGISTRATION", default="10/hour"),
        "registration_address": env("THROTTLE_REGISTRATION_ADDRESS", default="60/hour"),
        "verification": env("THROTTLE_VERIFICATION", default="20/hour"),
        "verification_address": env("THROTTLE_VERIFICATION_ADDRESS", default="120/min"),
        "verification_resend": env("THROTTLE_VERIFICATION_RESEND", default="10/hour"),
        "verification_resend_address": env("THROTTLE_VERIFICATION_RESEND_ADDRESS", default="60/min"),
        "password_reset": env("THROTTLE_PASSWORD_RESET", default="10/hour"),
        "password_reset_address": env("THROTTLE_PASSWORD_RESET_ADDRESS", default="60/min"),
        "password_reset_confirm": env("THROTTLE_PASSWORD_RESET_CONFIRM", default="20/hour"),
        "password_reset_confirm_address": env("THROTTLE_PASSWORD_RESET_CONFIRM_ADDRESS", default="120/min"),
        # Agent invitations email any address an owner types: limited per owner.
        "agent_invitation": env("THROTTLE_AGENT_INVITATION", default="60/hour"),
        # Order numbers are short: looking them up is limited so they cannot be enumerated;
        # per address generously (carrier NAT), per order number and per contact tightly.
        "order_lookup": env("THROTTLE_ORDER_LOOKUP", default="300/min"),
        "order_lookup_number": env("THROTTLE_ORDER_LOOKUP_NUMBER", default="60/hour"),
        "order_lookup_contact": env("THROTTLE_ORDER_LOOKUP_CONTACT", default="60/hour"),
        # Orders per buyer email and per buyer phone: a bot cannot hold a release under one identity.
        "order_create_email": env("THROTTLE_ORDER_CREATE_EMAIL", default="20/hour"),
        "order_create_phone": env("THROTTLE_ORDER_CREATE_PHONE", default="20/hour"),
        # Promo code checks: per address, per item, and failed guesses per address.
        "promo_validate": env("THROTTLE_PROMO_VALIDATE", default="120/min"),
        "promo_validate_item": env("THROTTLE_PROMO_VALIDATE_ITEM", default="600/hour"),
        "promo_validate_failures": env("THROTTLE_PROMO_VALIDATE_FAILURES", default="30/hour"),
        # Provider callbacks come from a few provider addresses; the sandbox button is for people.
        "payment_callback_address": env("THROTTLE_PAYMENT_CALLBACK_ADDRESS", default="1200/min"),
        "payment_sandbox_address": env("THROTTLE_PAYMENT_SANDBOX_ADDRESS", default="60/min"),
        # The payment page: prompts per order and per phone (no one's phone is flooded with
        # prompts), its status poll and card checkouts per address.
        "payment_prompt_order": env("THROTTLE_PAYMENT_PROMPT_ORDER", default="10/hour"),
        # A rate of one is a cool-down: one prompt sent per order, then none for 30 s (a double press).
        "payment_prompt_order_cooldown": env("THROTTLE_PAYMENT_PROMPT_ORDER_COOLDOWN", default="1/30s"),
        "payment_prompt_phone": env("THROTTLE_PAYMENT_PROMPT_PHONE", default="10/hour"),
        "payment_link_address": env("THROTTLE_PAYMENT_LINK_ADDRESS", default="600/min"),
        # Store API keys: issued per owner; the /v1 API per key, and its imports and exports per store.
        "api_key_create": env("THROTTLE_API_KEY_CREATE", default="30/hour"),
        "voucherify_requests": env("THROTTLE_VOUCHERIFY_REQUESTS", default="1200/min"),
        "voucherify_imports": env("THROTTLE_VOUCHERIFY_IMPORTS", default="60/hour"),
        "voucherify_exports": env("THROTTLE_VOUCHERIFY_EXPORTS", default="60/hour"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Throttles take the client's address from X-Forwarded-For only behind this many proxies.
    "NUM_PROXIES": NUM_PROXIES,
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=30)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "SIGNING_KEY": env("JWT_SIGNING_KEY", default=SECRET_KEY),
}

# --- Admin sign-in: django-axes locks an account + client address pair out of the admin after
# ADMIN_LOGIN_FAILURE_LIMIT wrong passwords, for ADMIN_LOGIN_LOCKOUT_MINUTES. Per pair, so that no
# one can lock an admin out from elsewhere. The API's sign-in has its own limits (users.api.views).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env.bool("ADMIN_LOGIN_LOCKOUT", default=True)
AXES_ONLY_ADMIN_SITE = True
AXES_HANDLER = "users.admin_login.AdminLoginHandler"
AXES_FAILURE_LIMIT = env.int("ADMIN_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("ADMIN_LOGIN_LOCKOUT_MINUTES", default=60))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "users.admin_login.admin_login_username"
# The address the throttles use: X-Forwarded-For counts only behind NUM_PROXIES proxies of ours.
AXES_CLIENT_IP_CALLABLE = "mookh.core.throttling.client_address"
AXES_RESET_ON_SUCCESS = True
# A wrong password while locked out does not lengthen the lockout (it could be kept up for ever).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False

SPECTACULAR_SETTINGS = {
    "TITLE": "Mookh store API",
    "DESCRIPTION": "Stores, events, tickets, digital content, promotions, orders and payments.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc from this server's static files (drf-spectacular-sidecar), not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "mookh.core.schema.datetime_offsets_bounded",
                             "mookh.core.schema.schema_rules_stated"],
    "ENUM_NAME_OVERRIDES": {
        "PaymentMethodEnum": "orders.models.PaymentMethod",
        "V1PaymentMethodEnum": ["MOBILE", "CARD", "CASH", "MOBILE_CASH", "MPESA", "AIRTEL", "MTNUG", "AIRTELUG"],
    },
}

VERIFICATION_CODE_TTL = timedelta(minutes=15)
VERIFICATION_CODE_MAX_ATTEMPTS = 5
VERIFICATION_RESEND_INTERVAL = timedelta(minutes=1)
# Wrong one-time codes per account, whatever the code: CODE_FAILURES_MAX within CODE_FAILURE_WINDOW
# lock every code of the account for CODE_LOCK_MINUTES (the owner is told by email).
CODE_FAILURES_MAX = env.int("CODE_FAILURES_MAX", default=10)
CODE_FAILURE_WINDOW = timedelta(hours=1)
CODE_LOCK_DURATION = timedelta(minutes=env.int("CODE_LOCK_MINUTES", default=60))

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
    SECURE_CONTENT_TYPE_NOSNIFF = True

# --- Observability: logs, errors, metrics ---
# One JSON object a line (json), or key=value text for a terminal (plain, `make run`'s default).
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOG_FORMAT = env("LOG_FORMAT", default="plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"structured": {"()": "mookh.core.logs.formatter", "renderer": LOG_FORMAT}},
    # The level sits on the handler too: Django's own loggers (django.security…) propagate here.
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured", "level": LOG_LEVEL}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Each request is one line of django_structlog's (mookh.core.request_log), with the traceback
        # of an unhandled error: Django's "Not Found: …" and "Internal Server Error: …" lines and
        # runserver's access lines would repeat it.
        "django.request": {"level": "CRITICAL"},
        "django.server": {"level": "CRITICAL", "propagate": False},
    },
}
# django-structlog: the request line at the end only; the id from X-Request-ID once
# mookh.core.request_log has vetted it; the client address as the throttles count it.
DJANGO_STRUCTLOG_STATUS_START_LOG_LEVEL = logging.DEBUG
DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = True
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False
# Tasks log the request_id of the request that queued them (worker: mookh/celery.py).
DJANGO_STRUCTLOG_CELERY_ENABLED = True

# Unset: nothing is sent. Set: unhandled errors of requests and tasks, and ERROR log records, with no personal data.
SENTRY_DSN = env("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", default="")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
if SENTRY_DSN:
    from mookh.core.sentry import sentry_init

    sentry_init(dsn=SENTRY_DSN, environment=SENTRY_ENVIRONMENT, traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE)

# /metrics (Prometheus) answers only `Authorization: Bearer METRICS_TOKEN`; unset, it is never served.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
# Gauges read when /metrics is scraped: name -> dotted path of a callable() -> number (mookh.core.metrics).
METRICS_GAUGES = {"mookh_outbox_backlog": "notifications.selectors.outbox_backlog"}

# --- Browsers: CORS, security headers, Content-Security-Policy ---
# Sites whose pages may call this API (scheme://host[:port], comma-separated); none by default.
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_ALLOW_HEADERS = ["accept", "authorization", "content-type", "idempotency-key", "x-request-id"]
CORS_EXPOSE_HEADERS = ["Retry-After", "X-Request-ID"]
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# django-csp (mookh.core.security): the policy of HTML pages without one of their own; the admin
# brings its own scripts and gets none. A page's inline <style> needs the request's nonce (request.csp_nonce).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"], "img-src": ["'self'", "data:"], "style-src": ["'self'", csp_constants.NONCE],
        "base-uri": ["'none'"], "form-action": ["'self'"], "frame-ancestors": ["'none'"],
    },
}

# --- Orders ---
# Orders of albums only; an event's orders use the event's own `payment_window_minutes` (default 15).
ORDER_PAYMENT_WINDOW = timedelta(minutes=env.int("ORDER_PAYMENT_WINDOW_MINUTES", default=15))
ORDER_PAY_LATER_WINDOW = timedelta(hours=env.int("ORDER_PAY_LATER_WINDOW_HOURS", default=48))
ORDER_MAX_INSTALLMENTS = env.int("ORDER_MAX_INSTALLMENTS", default=6)
ORDER_REMINDER_LEAD = timedelta(hours=env.int("ORDER_REMINDER_LEAD_HOURS", default=6))
ORDER_EXPIRY_WARNING_LEAD = timedelta(hours=env.int("ORDER_EXPIRY_WARNING_LEAD_HOURS", default=2))
STOREFRONT_URL = env("STOREFRONT_URL", default="http://127.0.0.1:8000")
# Apps above orders act on an order that becomes PAID or REFUNDED: dotted paths of callables
# (order=Order) the order engine runs inside the transaction that changes the order.
ORDER_PAID_HOOKS = ["tickets.services.tickets_issue"]
# Run in the placement transaction of an order not paid at once: take an agent's cash or ask the
# payer for the money (dotted paths of callables(order=, started_by=) returning the requests for
# money they made, which the new order's answer shows).
ORDER_PAYMENT_START_HOOKS = ["payments.services.order_payment_begin"]
# Run before an order's payment state is shown (outside any transaction): ask providers about pending payments.
ORDER_PAYMENT_REFRESH_HOOKS = ["payments.services.order_payment_refresh"]
# Dotted path of the callable that credits money an API client took itself (orders.services.payment_record).
ORDER_PAYMENT_RECORDER = "payments.services.payment_apply"
# Dotted path of a callable(order=Order) -> {"url", "payload"} or None: the signed card form that a CARD
# order (or a mobile one outside Kenya and Uganda) answers with for response_type=json. It records
# the payment attempt the form pays. Empty: the answer says card payments are not available.
ORDER_CARD_FORM_PROVIDER = "payments.services.card.order_card_form"
ORDER_REFUNDED_HOOKS = ["tickets.services.tickets_void"]
# Money a closed order took is owed back: callables(order=, amount=, reason=, requested_by=) run in
# the transaction that closes the order.
ORDER_MONEY_OWED_HOOKS = ["payments.services.refund_owed_record"]
# Dotted path of a callable(order_id=, amount=Decimal|None, requested_by=) -> "done" | "pending" behind
# POST /stores/orders/{id}/refund/: it sends the money back through the providers that took it and
# makes the order REFUNDED (orders.services.order_refund) once everything it received is back.
ORDER_REFUND_SERVICE = "payments.services.order_refund_execute"
# Figures apps above the catalog add to an event's statistics for its store's staff: dotted paths
# of callables(event_ids) -> {event_id: {field: value}}, one query each for any number of events.
EVENT_STATISTICS_PROVIDERS = ["orders.selectors.event_sales_statistics", "tickets.selectors.event_tickets_by_status"]

# Enum names of the Voucherify-compatible /v1 API (orders/voucherify/).
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update({
    "ApiOrderStatusEnum": "orders.voucherify.statuses.STATUSES",
    "AsyncActionStatusEnum": "orders.voucherify.models.AsyncAction.Status",
    "OrderExportStatusEnum": "orders.voucherify.models.OrderExport.Status",
    "OrderExportFieldEnum": "orders.voucherify.exports.FIELDS",
    "OrderExportOrderEnum": ["created_at", "-created_at", "updated_at", "-updated_at", "status", "-status"],
    "ApiOrderListOrderEnum": ["created_at", "-created_at", "updated_at", "-updated_at"],
    # The constant `object` (and similar) fields the SDK checks.
    "ApiOrderObjectEnum": ["order"],
    "ApiCustomerObjectEnum": ["customer"],
    "ApiOrderItemObjectEnum": ["order_item"],
    "ApiListObjectEnum": ["list"],
    "ApiListDataRefEnum": ["orders"],
    "ApiAsyncActionObjectEnum": ["async_action"],
    "ApiAsyncActionTypeEnum": ["ORDERS.IMPORT"],
    "ApiExportObjectEnum": ["export"],
    "ApiExportChannelEnum": ["API"],
})

# --- Tickets (tickets/): signed QR codes, gate check-in; album download links (orders/downloads.py) ---
# Ed25519 key signing ticket QR codes: base64 of a raw 32-byte seed, or a PKCS#8 PEM. Read at first
# use. Unset: generated into TICKET_SIGNING_KEY_FILE when DEBUG is on; a start-up error when it is off.
TICKET_SIGNING_KEY = env("TICKET_SIGNING_KEY", default="")
TICKET_SIGNING_KEY_FILE = BASE_DIR / ".ticket_signing_key"
# Public keys (base64 raw 32 bytes, comma-separated) of retired signing keys, still accepted at the gate.
TICKET_VERIFY_KEYS = env.list("TICKET_VERIFY_KEYS", default=[])
# Where ticket pages and album download links in messages point: this API's public address.
TICKET_LINK_BASE_URL = env("TICKET_LINK_BASE_URL", default=STOREFRONT_URL)
ALBUM_DOWNLOAD_LINK_TTL = timedelta(hours=env.int("ALBUM_DOWNLOAD_LINK_HOURS", default=24))
CHECK_IN_BATCH_MAX_SCANS = env.int("CHECK_IN_BATCH_MAX_SCANS", default=1000)
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update({
    "IssuedTicketStatusEnum": "tickets.models.IssuedTicketStatus",
    "ScanResultEnum": "tickets.models.ScanResult",
})
# --- end of tickets ---

# --- Payments (payments/): providers, callbacks, the sandbox ---
# sandbox: no provider is called; each adapter answers offline in the provider's own formats, and
# POST /payments/sandbox/complete/ delivers a provider's callback. live: the providers below.
PAYMENTS_MODE = env("PAYMENTS_MODE", default="sandbox")
# The providers this deployment takes money through (mpesa, airtel, mtn, cybersource): only their
# credentials are required in live mode; the others are offered nowhere.
PAYMENTS_PROVIDERS = env.list("PAYMENTS_PROVIDERS", default=["mpesa", "airtel", "mtn", "cybersource"])
# This API's address as providers reach it (callback URLs).
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default=STOREFRONT_URL)
# Cybersource Secure Acceptance (cards): the profile's id, access key and secret key (required in
# live mode) and its pay endpoint. In sandbox mode the pay page is this API's own
# /payments/sandbox/cybersource/pay/ and missing keys fall back to placeholders.
CYBERSOURCE_PROFILE_ID = env("CYBERSOURCE_PROFILE_ID", default="")
CYBERSOURCE_ACCESS_KEY = env("CYBERSOURCE_ACCESS_KEY", default="")
CYBERSOURCE_SECRET_KEY = env("CYBERSOURCE_SECRET_KEY", default="")
CYBERSOURCE_PAY_URL = env("CYBERSOURCE_PAY_URL", default="https://secureacceptance.cybersource.com/pay"
                          if PAYMENTS_MODE == "live" else "https://testsecureacceptance.cybersource.com/pay")
# The secret path segment of the M-Pesa callback URL (Daraja signs nothing).
MPESA_CALLBACK_TOKEN = env("MPESA_CALLBACK_TOKEN", default="sandbox-callback-token" if PAYMENTS_MODE == "sandbox" else "")
MPESA_BASE_URL = env("MPESA_BASE_URL", default="https://sandbox.safaricom.co.ke")
MPESA_CONSUMER_KEY = env("MPESA_CONSUMER_KEY", default="")
MPESA_CONSUMER_SECRET = env("MPESA_CONSUMER_SECRET", default="")
MPESA_SHORTCODE = env("MPESA_SHORTCODE", default="174379")
MPESA_PASSKEY = env("MPESA_PASSKEY", default="bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919")
MPESA_TRANSACTION_TYPE = env("MPESA_TRANSACTION_TYPE", default="CustomerPayBillOnline")
# The secret path segment of the Airtel Money callback URL set in the Airtel app.
AIRTEL_CALLBACK_TOKEN = env("AIRTEL_CALLBACK_TOKEN",
                            default="sandbox-callback-token" if PAYMENTS_MODE == "sandbox" else "")
# Airtel Money Open API host: UAT in sandbox mode, production in live mode.
AIRTEL_BASE_URL = env("AIRTEL_BASE_URL", default="https://openapiuat.airtel.africa/" if PAYMENTS_MODE == "sandbox"
                      else "https://openapi.airtel.africa/")
# The Airtel app's client id (one app for Kenya and Uganda).
AIRTEL_CLIENT_ID = env("AIRTEL_CLIENT_ID", default="")
# The Airtel app's client secret.
AIRTEL_CLIENT_SECRET = env("AIRTEL_CLIENT_SECRET", default="")
# The Airtel app's callback-authentication private key; empty: callbacks' `hash` is not checked.
AIRTEL_CALLBACK_KEY = env("AIRTEL_CALLBACK_KEY", default="")
# MTN MoMo Open API host (Collection, Uganda).
MTN_BASE_URL = env("MTN_BASE_URL", default="https://sandbox.momodeveloper.mtn.com")
# The MTN MoMo Collection product's subscription key (Ocp-Apim-Subscription-Key).
MTN_SUBSCRIPTION_KEY = env("MTN_SUBSCRIPTION_KEY", default="")
# The MTN MoMo API user (a UUID4).
MTN_API_USER = env("MTN_API_USER", default="")
# The MTN MoMo API user's key.
MTN_API_KEY = env("MTN_API_KEY", default="")
# X-Target-Environment: sandbox, or mtnuganda once live.
MTN_TARGET_ENVIRONMENT = env("MTN_TARGET_ENVIRONMENT", default="sandbox")
# Refunds. M-Pesa reversals: the API operator (initiator) and its SecurityCredential (the initiator's
# password encrypted with Safaricom's certificate, as the Daraja portal gives it).
MPESA_INITIATOR_NAME = env("MPESA_INITIATOR_NAME", default="")
MPESA_SECURITY_CREDENTIAL = env("MPESA_SECURITY_CREDENTIAL", default="")
# MTN MoMo refunds go through the Disbursement product: its own subscription key and API user.
MTN_DISBURSEMENT_SUBSCRIPTION_KEY = env("MTN_DISBURSEMENT_SUBSCRIPTION_KEY", default="")
MTN_DISBURSEMENT_API_USER = env("MTN_DISBURSEMENT_API_USER", default="")
MTN_DISBURSEMENT_API_KEY = env("MTN_DISBURSEMENT_API_KEY", default="")
# Card refunds through Cybersource's REST API (HTTP Signature): the merchant id, the shared secret
# key's id and the key itself (base64, as the Business Center shows it), and the API host (empty:
# apitest.cybersource.com in sandbox mode, api.cybersource.com in live mode).
CYBERSOURCE_MERCHANT_ID = env("CYBERSOURCE_MERCHANT_ID", default="")
CYBERSOURCE_REST_KEY_ID = env("CYBERSOURCE_REST_KEY_ID", default="")
CYBERSOURCE_REST_SHARED_SECRET = env("CYBERSOURCE_REST_SHARED_SECRET", default="")
CYBERSOURCE_REST_HOST = env("CYBERSOURCE_REST_HOST", default="")
# Sandbox mode: a provider that posts a refund's result later (M-Pesa's reversal Result) posts it at
# once to the real receiver; False leaves the refund PENDING until someone posts it.
PAYMENTS_SANDBOX_REFUND_RESULTS = True
CELERY_BEAT_SCHEDULE["refunds-due"] = {
    "task": "payments.tasks.refunds_due_task",
    "schedule": 300.0,
    "options": {"expires": 290},
}

# Reconciliation (payments/services/reconciliation.py): a mobile money request still PENDING this
# long after it was sent is asked about (STK query, Airtel enquiry, MTN status), for callbacks get lost.
PAYMENTS_RECONCILE_AFTER = timedelta(seconds=env.int("PAYMENTS_RECONCILE_AFTER_SECONDS", default=60))
# A request still pending is asked again after as long as it has waited so far (doubling), at most this.
PAYMENTS_RECONCILE_BACKOFF_MAX = timedelta(seconds=env.int("PAYMENTS_RECONCILE_BACKOFF_MAX_SECONDS", default=1800))
# Requests asked about per run of the job (oldest first); the rest wait for the next run.
PAYMENTS_RECONCILE_BATCH = env.int("PAYMENTS_RECONCILE_BATCH", default=500)
# A request still pending this long is left to staff (review_reason) and no longer asked about.
PAYMENTS_RECONCILE_GIVE_UP = timedelta(hours=env.int("PAYMENTS_RECONCILE_GIVE_UP_HOURS", default=72))
