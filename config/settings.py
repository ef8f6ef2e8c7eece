"""Settings for every environment, read from the environment (twelve-factor, django-environ).

With nothing set, the project runs on the embedded defaults a newcomer needs: SQLite, a
local-memory cache, an in-memory channel layer and a filesystem Celery broker. Setting
DATABASE_URL and REDIS_URL moves it onto PostgreSQL and Redis, as in CI and production.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from config import keys, redis_settings
from config.middleware import ACCESS_LOGGER

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# ENV_FILE lets a process (a test, a one-off command) read another file or none at all.
environ.Env.read_env(env.str("ENV_FILE", default=str(BASE_DIR / ".env")), overwrite=False)

# --- Core -----------------------------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Only a development machine gets a default key; it signs nothing that matters there.
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

# --- Signing keys (config/keys.py): JWTs may have a key of their own; with DEBUG off, a weak or
# published key stops the boot (check --deploy reports it too, as config.E001/E002).
JWT_SIGNING_KEY = env.str("JWT_SIGNING_KEY", default="") or SECRET_KEY
if not DEBUG:
    for _name, _value in (("SECRET_KEY", SECRET_KEY), ("JWT_SIGNING_KEY", JWT_SIGNING_KEY)):
        if _problem := keys.signing_key_problem(_value):
            raise ImproperlyConfigured(f"{_name} {_problem}; make one with {keys.HOW_TO_MAKE_ONE}")
# --- End of signing keys.

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    # Third party
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.facebook",
    "allauth.mfa",
    "axes",
    "simple_history",
    "django_celery_beat",
    "channels",
    # Ours, lower layers first
    "config",
    "accounts",
    "courses",
    "exercises",
    "social",
    "srs",
    "gamification",
    "progress",
    "classrooms",
    # The web client: a page and static files, importing no app above (DESIGN.md).
    "learn",
]

MIDDLEWARE = [
    "config.middleware.RequestIDMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a login refused by the lockout into its answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"
SITE_ID = 1
# The platform as mails and pages name it (the sites row SITE_ID, set by a migration of accounts).
SITE_NAME = env.str("SITE_NAME", default="Lingua")
SITE_DOMAIN = env.str("SITE_DOMAIN", default="localhost:8000")

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

# --- Serving (README, "Serving") ---------------------------------------------------------------

# Threads per web process that run HTTP requests (config/serving.py); the processes are
# WEB_CONCURRENCY, read by uvicorn itself. Two: one runs while the other waits on the database,
# and more only queue up for the GIL (README, "Serving", has the figures). Raise it for an API
# that waits on slow outside services.
WEB_THREADS = env.int("WEB_THREADS", default=2)

# --- Data -----------------------------------------------------------------------------------

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Kept open between requests: HTTP runs on a fixed pool of WEB_THREADS threads per process
# (config/serving.py), each with its own connection, so a process holds at most WEB_THREADS + 1
# (the +1: Channels' one thread for WebSocket consumers); README, "Serving", has the arithmetic.
# Opening a PostgreSQL connection per request cost more than most requests' queries.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
# Off by default: the check is a "SELECT 1" round trip before each request's first query, a
# quarter of the time of GET me/stats/ under load (py-spy). Without it, a connection the database
# dropped (a restart, a failover) fails the one request that meets it, and Django then closes it
# (a connection that had an error is not reused); true trades that for a round trip per request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=False)
# PostgreSQL: the hand-written statements of the hot paths (config/sql.py) are prepared once per
# connection instead of parsed and planned on every request. Off behind a pooler in transaction
# mode (PgBouncer before 1.21), which cannot keep a prepared statement on one connection.
DATABASE_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)
if DATABASE_PREPARED_STATEMENTS and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Django turns psycopg's preparing off (None); any number turns it back on for the cursors
    # that ask for it. Django's own cursors bind on the client and never prepare.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")

# Redis outages: short timeouts, and cache reads and writes that fail open (a read misses, a
# write is skipped) with a warning a minute; see config/redis_settings.py.
if REDIS_URL:
    CACHES = {"default": redis_settings.cache_config(REDIS_URL)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth -----------------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
# auth.W004 wants a unique=True email; ours is unique case-insensitively, through a constraint on
# Lower(email), and the manager looks users up by email__iexact.
SILENCED_SYSTEM_CHECKS = ["auth.W004"]
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out (address, account) pair before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The page for the person's role: teachers to /teach/, staff to the admin, learners home.
LOGIN_REDIRECT_URL = "landing"

# allauth: email is the login, there are no usernames.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# The display name too, which the API requires of every account.
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.signup.SignupDisplayNameForm"
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="optional")
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
# Providers are configured as SocialApp rows in the admin, so no secrets live in settings.
SOCIALACCOUNT_PROVIDERS = {
    "google": {"SCOPE": ["profile", "email"], "OAUTH_PKCE_ENABLED": True},
    "facebook": {"METHOD": "oauth2", "SCOPE": ["email", "public_profile"]},
}

# Password reset through the API: the mailed link, with {uid} and {token} in it, such as
# https://app.example.com/reset?uid={uid}&token={token}. Empty: allauth's reset page on the host
# the request came to, which accepts the same uid and token.
PASSWORD_RESET_URL = env.str("PASSWORD_RESET_URL", default="")

# --- Login throttling and MFA ---------------------------------------------------------------
# One policy for every door that checks a password or a second factor (the API's token and MFA
# steps and its password confirmations, allauth's pages, the admin through allauth): django-axes
# counts failures per (client address, account) pair in the database, so it holds with Redis
# down. After LOGIN_FAILURE_LIMIT failures the pair is refused, right password or not, until
# LOGIN_COOLOFF_MINUTES pass without an attempt; a full login resets the pair. Keyed on the pair,
# a stranger elsewhere can never lock a learner out.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_RESET_ON_SUCCESS = True
# REMOTE_ADDR only: uvicorn's --proxy-headers already puts the client's address there from
# trusted proxies (FORWARDED_ALLOW_IPS); a raw X-Forwarded-For is whatever the client wrote.
AXES_CLIENT_IP_CALLABLE = "accounts.throttling.client_ip_address"
AXES_USERNAME_CALLABLE = "accounts.throttling.login_username"
AXES_LOCKOUT_CALLABLE = "accounts.throttling.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
# allauth's own cache-based counter of failed logins would be a second policy: axes is the one.
ACCOUNT_RATE_LIMITS = {"login_failed": None}

# allauth.mfa: TOTP with recovery codes, on allauth's pages (/accounts/2fa/) and through the API.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="Lingua")
# Wrong codes on allauth's pages count in the login policy above.
MFA_FORMS = {
    "authenticate": "accounts.forms.MFAAuthenticateForm",
    "reauthenticate": "accounts.forms.MFAReauthenticateForm",
}
# Seconds the mfa_token of a password-checked API login stays good for its second step.
MFA_LOGIN_TOKEN_SECONDS = env.int("MFA_LOGIN_TOKEN_SECONDS", default=300)
# Seconds a TOTP set-up started through the API waits for its confirming code.
MFA_TOTP_SETUP_SECONDS = env.int("MFA_TOTP_SETUP_SECONDS", default=600)

# --- API ------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.SessionJWTAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["config.api.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["config.api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "config.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "config.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "register": env.str("THROTTLE_REGISTER", default="10/hour"),
        "social": env.str("THROTTLE_SOCIAL", default="30/minute"),
        "password_reset": env.str("THROTTLE_PASSWORD_RESET", default="5/hour"),
        "password_reset_confirm": env.str("THROTTLE_PASSWORD_RESET_CONFIRM", default="20/hour"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Throttles key on REMOTE_ADDR only. uvicorn's --proxy-headers already puts the client's
    # address there from trusted proxies (FORWARDED_ALLOW_IPS); DRF's default (None) would key
    # on the raw X-Forwarded-For instead, which any client can set to dodge every throttle.
    "NUM_PROXIES": 0,
}
if DEBUG:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append(
        "rest_framework.renderers.BrowsableAPIRenderer"
    )

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=30)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "SIGNING_KEY": JWT_SIGNING_KEY,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Lingua learner API",
    "DESCRIPTION": "The learner API: accounts, courses, lessons, reviews, stats and leagues.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Swagger UI from drf-spectacular-sidecar's static files instead of a CDN at @latest.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"

# --- Real time ------------------------------------------------------------------------------

if REDIS_URL:
    CHANNEL_LAYERS = {"default": redis_settings.channel_layer_config(REDIS_URL)}
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Celery ---------------------------------------------------------------------------------

# Without Redis the broker is kombu's filesystem transport: it needs no server, so a newcomer's
# single `make run` still gets a worker with embedded beat running the scheduled jobs.
# The host names nothing for this transport, but without one kombu warns at each new connection.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://localhost/")
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "broker"),
        "data_folder_out": str(VAR_DIR / "broker"),
        "processed_folder": str(VAR_DIR / "broker-processed"),
        # Broadcast (remote control) queues; kombu's default is ./control in the working directory.
        "control_folder": str(VAR_DIR / "broker-control"),
        "store_processed": False,
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = redis_settings.broker_transport_options()
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# What a task prints (the console mail backend's mails, such as a password-reset link on a
# development machine) is logged as information, not as a WARNING per task (Celery's default).
CELERY_WORKER_REDIRECT_STDOUTS_LEVEL = "INFO"

# --- Internationalisation and time ----------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_MAX_UPLOAD_BYTES = env.int("MEDIA_MAX_UPLOAD_BYTES", default=5 * 1024 * 1024)

# --- Email ----------------------------------------------------------------------------------

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Lingua <noreply@localhost>")

# --- Security -------------------------------------------------------------------------------

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# API edges: a CSRF refusal under /api/ answers in the API's JSON error shape.
CSRF_FAILURE_VIEW = "config.api.exceptions.csrf_failure"

# --- Logging --------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "config.middleware.RequestIDLogFilter"},
        # Redis outages: one warning a minute per kind of failure, not a traceback per call.
        "cache_outage": {
            "()": "config.log_filters.OncePerInterval",
            "message": "Cache unreachable: reads miss and writes are skipped (throttles fail open)",
        },
        "once_a_minute": {"()": "config.log_filters.OncePerInterval"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's default config gives "django" a console handler of its own under DEBUG, and
        # the record then reaches ours on the root too: every line twice. Only ours, on the root.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        # --- Quiet log: one line per request (config.middleware's access line, which carries
        # the request id). uvicorn configures its access log before it imports the app, so this
        # replaces it in every uvicorn process; Django's own line for each 4xx would be a second
        # line for the same request. 5xx keep Django's record, with its traceback.
        "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        "django.request": {"level": "ERROR"},
        ACCESS_LOGGER: {"level": "INFO"},
        # Its version banner, once per process (migrate, setup_demo, worker, web).
        # axes' version banner and its "Reset 0 access attempts" on every login.
        "axes": {"level": "WARNING"},
        # --- End of quiet log.
        redis_settings.CACHE_LOGGER: {"filters": ["cache_outage"]},
        "config.realtime": {"filters": ["once_a_minute"]},
        "gamification.leagues.ranking": {"filters": ["once_a_minute"]},
        "gamification.leagues.membership": {"filters": ["once_a_minute"]},
        "config.background": {"filters": ["once_a_minute"]},
    },
}
# django-redis logs each failure it ignores, to the logger filtered above.
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = redis_settings.CACHE_LOGGER

# --- Domain ---------------------------------------------------------------------------------

HEARTS_MAX = env.int("HEARTS_MAX", default=5)
HEARTS_REFILL_MINUTES = env.int("HEARTS_REFILL_MINUTES", default=240)
# Practice XP a learner can earn on one local day (a practice run pays a third of the lesson's
# XP): replaying one short lesson all day must not farm the XP leagues are built on. 0: none.
PRACTICE_XP_DAILY_CAP = env.int("PRACTICE_XP_DAILY_CAP", default=60)

# --- Gems and shop (issue 10) ---
# Gems for a lesson's first pass and for its first perfect score (each paid once per lesson).
GEMS_LESSON_FIRST_PASS = env.int("GEMS_LESSON_FIRST_PASS", default=5)
GEMS_PERFECT_LESSON = env.int("GEMS_PERFECT_LESSON", default=5)
# How long an xp-boost doubles lesson XP once used.
XP_BOOST_MINUTES = env.int("XP_BOOST_MINUTES", default=15)
# --- end gems and shop ---

# Spaced repetition: an answer right within SRS_EASY_MS rates Easy, one slower than SRS_SLOW_MS
# rates Hard (milliseconds, as the client measures them). SRS_PUSH_BACKEND is the dotted path of
# the function that sends a push notification (user, title, body); the default only logs.
SRS_EASY_MS = env.int("SRS_EASY_MS", default=3000)
SRS_SLOW_MS = env.int("SRS_SLOW_MS", default=15000)
SRS_PUSH_BACKEND = env.str("SRS_PUSH_BACKEND", default="srs.notifications.log_push")
# Review XP a learner can earn on one local day: one XP per review answered right, up to the cap,
# so that XP (and the leagues built on it) cannot be farmed by answering all day. 0: none.
SRS_REVIEW_XP_DAILY_CAP = env.int("SRS_REVIEW_XP_DAILY_CAP", default=50)
