"""Settings for pleroma_py: every input comes from the environment (see README.md).

With nothing set the instance runs in its embedded mode: SQLite, uploads, the shared cache
(core.sqlite_cache) and the Celery broker (core.broker) in ``./var``, jobs run by the worker
scripts/run.py starts. ``DATABASE_URL`` and ``REDIS_URL`` switch to PostgreSQL and Redis
for production and for the test suite.
"""

import secrets
from pathlib import Path
from urllib.parse import urlsplit

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# --- inputs -------------------------------------------------------------------------------
PLEROMA_URL = env.str("PLEROMA_URL", default="http://localhost:8000").rstrip("/")
DATA_DIR = Path(env.str("PLEROMA_DATA_DIR", default=str(BASE_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
REDIS_URL = env.str("REDIS_URL", default="")
CAPTCHA_ENABLED = env.bool("PLEROMA_CAPTCHA_ENABLED", default=False)
REGISTRATIONS_OPEN = env.bool("PLEROMA_REGISTRATIONS_OPEN", default=True)
ACCOUNT_ACTIVATION_REQUIRED = env.bool("PLEROMA_ACCOUNT_ACTIVATION_REQUIRED", default=False)
ACCOUNT_APPROVAL_REQUIRED = env.bool("PLEROMA_ACCOUNT_APPROVAL_REQUIRED", default=False)
RATE_LIMIT_ENABLED = env.bool("PLEROMA_RATE_LIMIT_ENABLED", default=True)
# Rendered statuses and accounts kept in Redis (core.render_cache); only with REDIS_URL.
RENDER_CACHE_ENABLED = env.bool("PLEROMA_RENDER_CACHE", default=True)
# Timeline queries prepared on the PostgreSQL connection (core.db); off for poolers that
# cannot carry prepared statements (PgBouncer in transaction mode before 1.21).
DB_PREPARE = env.bool("PLEROMA_DB_PREPARE", default=True)
# Embedded mode: how often the worker looks for new messages in the broker folder.
BROKER_POLL_SECONDS = env.float("PLEROMA_BROKER_POLL_SECONDS", default=0.5)
ALLOW_PRIVATE_NETWORKS = env.bool("PLEROMA_ALLOW_PRIVATE_NETWORKS", default=False)
# Federation (ActivityPub). Off: nothing is sent to other servers and inbox POSTs are
# refused 403 "Not federating". Authorized fetch: unsigned GETs of actors, objects and
# collections are refused 401 (the instance actor and discovery documents stay open).
FEDERATING = env.bool("PLEROMA_FEDERATING", default=True)
AUTHORIZED_FETCH = env.bool("PLEROMA_AUTHORIZED_FETCH", default=False)
# Deliveries to a server that keeps failing: after failures on this many distinct days it
# is marked unreachable and its deliveries wait for a probe to find it answering again.
FEDERATION_UNREACHABLE_AFTER_DAYS = env.int("PLEROMA_UNREACHABLE_AFTER_DAYS", default=7)
# Seconds before the first retry of a failed delivery (each later one waits three times longer).
FEDERATION_RETRY_SECONDS = env.int("PLEROMA_FEDERATION_RETRY_SECONDS", default=60)
# How long a delivery attempt holds its row (a worker killed mid-attempt frees it after
# this); kept above the federation client's 10 s timeout so a slow request is never sent twice.
FEDERATION_DELIVERY_LEASE_SECONDS = max(env.int("PLEROMA_FEDERATION_DELIVERY_LEASE_SECONDS", default=300), 15)
# Seconds between two runs of the periodic delivery sweep (beat), which re-queues pending
# deliveries overdue by more than min(2 minutes, this).
FEDERATION_SWEEP_SECONDS = max(env.int("PLEROMA_FEDERATION_SWEEP_SECONDS", default=300), 1)
# Web Push VAPID keys (base64url); unset, a pair is generated once into the database.
VAPID_PUBLIC_KEY = env.str("PLEROMA_VAPID_PUBLIC_KEY", default="")
VAPID_PRIVATE_KEY = env.str("PLEROMA_VAPID_PRIVATE_KEY", default="")
INSTANCE_NAME = env.str("PLEROMA_INSTANCE_NAME", default="pleroma_py")
INSTANCE_DESCRIPTION = env.str(
    "PLEROMA_INSTANCE_DESCRIPTION", default="A Pleroma-compatible server"
)
INSTANCE_EMAIL = env.str("PLEROMA_INSTANCE_EMAIL", default="")
UPLOAD_LIMIT = env.int("PLEROMA_UPLOAD_LIMIT", default=16_000_000)
AVATAR_UPLOAD_LIMIT = env.int("PLEROMA_AVATAR_UPLOAD_LIMIT", default=2_000_000)
BANNER_UPLOAD_LIMIT = env.int("PLEROMA_BANNER_UPLOAD_LIMIT", default=4_000_000)
BACKGROUND_UPLOAD_LIMIT = env.int("PLEROMA_BACKGROUND_UPLOAD_LIMIT", default=4_000_000)
# Images with more pixels are refused before they are decoded (Mastodon's limit: 7680x4320).
IMAGE_MAX_PIXELS = env.int("PLEROMA_IMAGE_MAX_PIXELS", default=33_177_600)
# Remote media (attachments of received posts, remote avatars and headers) copied here by a
# task and served from /media/ like uploads; off, or until the copy is made, it is hotlinked.
REMOTE_MEDIA_CACHE = env.bool("PLEROMA_REMOTE_MEDIA_CACHE", default=True)
REMOTE_MEDIA_MAX_BYTES = env.int("PLEROMA_REMOTE_MEDIA_MAX_BYTES", default=40_000_000)
REMOTE_MEDIA_TIMEOUT = env.float("PLEROMA_REMOTE_MEDIA_TIMEOUT", default=30.0)
# Copies older than this many days are deleted by the beat (the hotlink comes back); 0 keeps them.
REMOTE_MEDIA_RETENTION_DAYS = env.int("PLEROMA_REMOTE_MEDIA_RETENTION_DAYS", default=0)
# An attachment still pending this many seconds after it arrived, with no copy queued or
# waiting to retry, lost its task: the beat queues it again, at most this many per minute.
REMOTE_MEDIA_SWEEP_AFTER_SECONDS = env.int("PLEROMA_REMOTE_MEDIA_SWEEP_AFTER_SECONDS", default=300)
REMOTE_MEDIA_SWEEP_BATCH = env.int("PLEROMA_REMOTE_MEDIA_SWEEP_BATCH", default=200)
# Where uploads and emoji files are linked from: another origin keeps anything served there
# away from the instance's cookies (it must serve this instance's /media/ and /emoji/).
MEDIA_BASE_URL = env.str("PLEROMA_MEDIA_BASE_URL", default="").rstrip("/")  # empty: PLEROMA_URL
MAX_TOOT_CHARS = env.int("PLEROMA_MAX_TOOT_CHARS", default=5000)
BENCH_ENDPOINTS = env.bool("PLEROMA_BENCH_ENDPOINTS", default=False)
# Pleroma refuses `expires_in` under an hour ("Expiry date is too soon"); lower only for tests.
STATUS_MIN_EXPIRY_SECONDS = env.int("PLEROMA_STATUS_MIN_EXPIRY_SECONDS", default=3600)
MAX_PINNED_STATUSES = env.int("PLEROMA_MAX_PINNED_STATUSES", default=1)
MAX_ENDORSED_USERS = env.int("PLEROMA_MAX_ENDORSED_USERS", default=20)
# Received replies: how many missing ancestors are fetched (Pleroma's
# federation_incoming_replies_max_depth); a reply deeper than that is refused.
FEDERATION_MAX_REPLY_DEPTH = env.int("PLEROMA_FEDERATION_MAX_REPLY_DEPTH", default=100)
CAPTCHA_SECONDS_VALID = env.int("PLEROMA_CAPTCHA_SECONDS_VALID", default=300)
BACKUP_LIMIT_DAYS = env.int("PLEROMA_BACKUP_LIMIT_DAYS", default=7)
BACKUP_PURGE_AFTER_DAYS = env.int("PLEROMA_BACKUP_PURGE_AFTER_DAYS", default=30)
# Dotted path of the location search provider for events (empty: the local gazetteer).
EVENT_LOCATION_PROVIDER = env.str("PLEROMA_EVENT_LOCATION_PROVIDER", default="")
# How far ahead a scheduled status must be (Mastodon's and Pleroma's rule: 5 minutes).
SCHEDULED_STATUS_MIN_LEAD_SECONDS = env.int("PLEROMA_SCHEDULED_STATUS_MIN_LEAD_SECONDS", default=300)
# Link preview cards (cards app): fetch the first link of each new status in the background;
# a card older than the TTL is fetched again when a status links it; the fetch's time bound.
LINK_PREVIEWS = env.bool("PLEROMA_LINK_PREVIEWS", default=True)
LINK_PREVIEW_TTL_SECONDS = env.int("PLEROMA_LINK_PREVIEW_TTL", default=14 * 24 * 3600)
LINK_PREVIEW_TIMEOUT_SECONDS = env.float("PLEROMA_LINK_PREVIEW_TIMEOUT", default=10.0)
# Instance policies (mrf): the policies applied to what other servers send, and the hosts
# each SimplePolicy action applies to ("host1,*.host2", an entry may be "host=reason").
MRF_POLICIES = env.list("PLEROMA_MRF_POLICIES", default=["SimplePolicy", "KeywordPolicy"])
MRF_SIMPLE = {action: env.list(f"PLEROMA_MRF_SIMPLE_{action.upper()}", default=[]) for action in (
    "accept", "reject", "media_removal", "media_nsfw", "federated_timeline_removal", "followers_only",
    "report_removal", "avatar_removal", "banner_removal", "reject_deletes")}
QUARANTINED_INSTANCES = env.list("PLEROMA_QUARANTINED_INSTANCES", default=[])
# KeywordPolicy: texts or /regex/ (/regex/i ignores case); replace is a JSON object.
MRF_KEYWORD_REJECT = env.list("PLEROMA_MRF_KEYWORD_REJECT", default=[])
MRF_KEYWORD_FEDERATED_TIMELINE_REMOVAL = env.list("PLEROMA_MRF_KEYWORD_FEDERATED_TIMELINE_REMOVAL", default=[])
MRF_KEYWORD_REPLACE = env.json("PLEROMA_MRF_KEYWORD_REPLACE", default={})
MRF_TRANSPARENCY = env.bool("PLEROMA_MRF_TRANSPARENCY", default=True)
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# The streaming server (`make streaming`, pleroma_py.asgi): the port it listens on and the
# URL /api/v1/instance advertises (clients append /api/v1/streaming); defaults below.
STREAMING_PORT_SETTING = env.int("PLEROMA_STREAMING_PORT", default=0)
STREAMING_URL_SETTING = env.str("PLEROMA_STREAMING_URL", default="").rstrip("/")
STREAMING_HEARTBEAT_SECONDS = env.float("PLEROMA_STREAMING_HEARTBEAT", default=15.0)

# --- derived ------------------------------------------------------------------------------
_url = urlsplit(PLEROMA_URL)
INSTANCE_DOMAIN = _url.netloc
PLEROMA_HTTPS = _url.scheme == "https"
# PLEROMA_URL with a port (http://localhost:8000): the streaming server listens on the next
# port and is advertised there. Without one (https://example.org, behind a reverse proxy
# that sends /api/v1/streaming to the streaming server): advertised on the same host, and
# listening on 4000 unless PLEROMA_STREAMING_PORT says otherwise.
STREAMING_PORT = STREAMING_PORT_SETTING or ((_url.port + 1) if _url.port else 4000)
_ws_scheme = "wss" if PLEROMA_HTTPS else "ws"
STREAMING_URL = STREAMING_URL_SETTING or (
    f"{_ws_scheme}://{_url.hostname}:{STREAMING_PORT}" if _url.port
    else f"{_ws_scheme}://{_url.netloc}")
# The embedded mode's cross-process event channel (streaming.broker), when there is no Redis.
STREAMING_EVENTS_DB = DATA_DIR / "streaming.sqlite3"


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once into the data dir."""
    if value := env.str("SECRET_KEY", default=""):
        return value
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["*"])
CSRF_TRUSTED_ORIGINS = [f"{_url.scheme}://{_url.netloc}"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "oauth2_provider",
    "drf_spectacular",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "accounts",
    "oauth",
    "relationships",
    "federation",
    "mrf",
    "statuses",
    "notifications",
    "emoji",
    "events",
    "conversations",
    "bookmarks",
    "backups",
    "filters",
    "announcements",
    "instance",
    "streaming",
    "push",
    "preferences",
    "discovery",
    "lists",
    "domain_blocks",
    "reports",
    "tags",
    "cards",
    "bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.CorsMiddleware",
    "core.middleware.TrailingFormatMiddleware",
    "core.middleware.RequestLimitsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "pleroma_py.urls"
WSGI_APPLICATION = "pleroma_py.wsgi.application"
ASGI_APPLICATION = "pleroma_py.asgi.application"
APPEND_SLASH = False

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
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'pleroma.sqlite3'}")
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# Password logins (the admin's) counted against the same failure limits as the API's.
AUTHENTICATION_BACKENDS = ["core.admin_login.PasswordLoginBackend"]

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("PLEROMA_CACHE_PREFIX", default="pleroma"),
        }
    }
else:
    # One SQLite file every process of the instance shares, with atomic add/incr/delete.
    CACHES = {
        "default": {
            "BACKEND": "core.sqlite_cache.SQLiteCache",
            "LOCATION": str(DATA_DIR / "cache.sqlite3"),
            "KEY_PREFIX": env.str("PLEROMA_CACHE_PREFIX", default="pleroma"),
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 1}},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
EMOJI_DIR = DATA_DIR / "emoji"
BACKUP_DIR = DATA_DIR / "backups"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_LIMIT + 1_000_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Mail: EMAIL_URL (smtp://user:pass@host:port) or files written under the data dir.
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "mail"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=f"noreply@{_url.hostname}")

# Session cookie of the authorize page and the admin; `_pleroma_key` is ours (core.auth).
SESSION_COOKIE_SECURE = PLEROMA_HTTPS
CSRF_COOKIE_SECURE = PLEROMA_HTTPS
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.authentication.BearerAuthentication",
        "core.authentication.BasicAuthentication",
        "core.authentication.PleromaCookieAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.permissions.ScopePermission"],
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": ["core.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "core.exceptions.handler",
    "DEFAULT_SCHEMA_CLASS": "core.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_THROTTLE_CLASSES": [],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "pleroma_py API",
    "DESCRIPTION": "The Pleroma client API on a Mastodon-compatible base.",
    "VERSION": "2.7.2 (compatible; Pleroma 2.7.0)",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/",
    # source[privacy] and default_scope take the same visibilities: one enum
    "ENUM_NAME_OVERRIDES": {"VisibilityEnum": "accounts.inputs.VISIBILITY_CHOICES"},
    "APPEND_COMPONENTS": {
        "securitySchemes": {
            "OAuth": {
                "type": "oauth2",
                "flows": {
                    "password": {"tokenUrl": "/oauth/token", "scopes": {}},
                    "authorizationCode": {
                        "authorizationUrl": "/oauth/authorize",
                        "tokenUrl": "/oauth/token",
                        "scopes": {},
                    },
                },
            },
            "BasicAuth": {"type": "http", "scheme": "basic"},
        }
    },
}

OAUTH2_PROVIDER_APPLICATION_MODEL = "accounts.App"
# Named so that migrations can refer to the token table (push subscriptions belong to a token).
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"
OAUTH2_PROVIDER = {
    # Pleroma's token lifetime: about 100 years, clients never refresh.
    "ACCESS_TOKEN_EXPIRE_SECONDS": 100 * 365 * 24 * 3600,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 600,
}

# Celery: Redis with REDIS_URL, else the embedded broker's folders in the data dir
# (core.broker), consumed by the worker scripts/run.py starts. Tasks never run inside a
# request (the test suite turns eager mode on for its unit tests).
BROKER_DIR = DATA_DIR / "broker"
CELERY_BROKER_URL = REDIS_URL or "embedded://localhost//"
CELERY_BROKER_TRANSPORT_OPTIONS = {} if REDIS_URL else {
    "data_folder_in": str(BROKER_DIR / "queue"), "data_folder_out": str(BROKER_DIR / "queue"),
    "taken_folder": str(BROKER_DIR / "taken"), "control_folder": str(BROKER_DIR / "control"),
    "polling_interval": BROKER_POLL_SECONDS,
}
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Where `celery worker -B` (make worker) keeps the scheduler's state: the data dir, not the
# directory it was started in.
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# Periodic housekeeping, run by the beat inside `make worker` (or the worker of `make run`).
CELERY_BEAT_SCHEDULE = {
    "prune-backups": {"task": "backups.tasks.prune_backups", "schedule": 6 * 3600},
    "prune-push-deliveries": {"task": "push.tasks.prune_deliveries", "schedule": 6 * 3600},
    # Safety nets for lost eta tasks: publish due scheduled statuses, close expired polls.
    "publish-due-scheduled-statuses": {"task": "statuses.tasks.publish_due_scheduled_statuses",
                                       "schedule": 60},
    "close-due-polls": {"task": "statuses.tasks.close_due_polls", "schedule": 60},
    "prune-cards": {"task": "cards.tasks.prune_cards", "schedule": 24 * 3600},
    # Copies of remote media past PLEROMA_REMOTE_MEDIA_RETENTION_DAYS (nothing when 0).
    "purge-remote-media": {"task": "statuses.tasks.purge_remote_media", "schedule": 6 * 3600},
    # Attachments left pending by a lost copy task (PLEROMA_REMOTE_MEDIA_SWEEP_AFTER_SECONDS).
    "sweep-remote-media": {"task": "statuses.tasks.sweep_remote_media", "schedule": 60},
    # Federation: re-queue overdue deliveries, probe unreachable servers.
    "sweep-deliveries": {"task": "federation.tasks.sweep_deliveries", "schedule": FEDERATION_SWEEP_SECONDS},
    "probe-unreachable-instances": {"task": "federation.tasks.probe_unreachable_instances", "schedule": 600},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
