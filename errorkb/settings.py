"""ErrorKB settings: one file, read from the environment, safe defaults.

The embedded default (no DATABASE_URL, no DJANGO_SECRET_KEY) is a SQLite file in
the project directory and a secret key generated once and kept beside it, so
`make serve` works on a fresh machine with nothing configured.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Read a strict boolean: only "true" or "false" (any case), nothing else."""
    value = os.getenv(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    raise ImproperlyConfigured(f"{name} must be 'true' or 'false', not {value!r}")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
EMBEDDED_DEFAULT = not os.getenv("DATABASE_URL")


def _secret_key() -> str:
    if key := os.getenv("DJANGO_SECRET_KEY"):
        return key
    if EMBEDDED_DEFAULT or DEBUG:
        # A local key, generated once and kept out of git (.gitignore lists it).
        path = BASE_DIR / ".secret_key"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(50))
            path.chmod(0o600)
        return path.read_text().strip()
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DATABASE_URL is set and DEBUG is false")


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "errorkb.catalogue",
    "errorkb.web",
    "errorkb.api",
]

MIDDLEWARE = [
    "errorkb.web.middleware.EdgeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's own, skipped for /api/ requests (see PagesOnly).
    "errorkb.web.middleware.SessionMiddleware",
    "errorkb.web.middleware.CsrfViewMiddleware",
    "errorkb.web.middleware.AuthenticationMiddleware",
    "errorkb.web.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# security.W003 looks for Django's CsrfViewMiddleware by its exact path. It is there,
# subclassed to skip /api/ (PagesOnly); every page and the admin keep CSRF protection
# (tests/security/test_paste_page_limits.py refuses a post without the token).
SILENCED_SYSTEM_CHECKS = ["security.W003"]

ROOT_URLCONF = "errorkb.urls"
# Session storage: the default cookie storage builds a signer on every request.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
WSGI_APPLICATION = "errorkb.wsgi.application"
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
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.getenv("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A locked or busy SQLite file should fail fast (and be answered with a 503),
    # not hold a worker for the default five seconds.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 2
    # A 64 MB page cache: broad full-text searches (a bare status like 429) touch many rows.
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA cache_size=-65536"
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No parallel workers for the app's queries. A broad search (a bare `429`, 10,000
    # matches at 100k) was planned with a Gather; on a 2-core machine its workers
    # compete with the web workers for the same cores, and starting them costs every
    # such query. Through gunicorn at 100k, two interleaved rounds on a loaded machine:
    # search API p99 78/107 -> 69/78 ms, search page p99 104/133 -> 74/64 ms, medians
    # unchanged. Set per connection, so the server's own setting stays for everyone else.
    #
    # Random reads costed as what they are for a catalogue that lives in the server's
    # cache (100k entries are ~60 MB): at the default 4, a page of fifty rows read by id
    # hash-joined every category and provider (seq scans, ~2 ms) instead of looking up
    # fifty. In-process at 100k, interleaved: search API 0.91-0.99x the time, none slower.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = (
        options.get("options", "") + " -c max_parallel_workers_per_gather=0 -c random_page_cost=1.1"
    ).strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.getenv("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Pastes are capped at 1 MB (answered 413 past it). The raw request body may be
# larger than the paste it carries: JSON escapes a control character as \u0000 (six
# bytes for one) and a form percent-encodes a byte as three, so any paste under the
# cap still fits. Bigger bodies are refused before they are read (EdgeMiddleware).
ERRORKB_MAX_PASTE_BYTES = 1_000_000
ERRORKB_MAX_BATCH = 50
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * ERRORKB_MAX_PASTE_BYTES + 64 * 1024

# How often a worker checks whether the catalogue changed (an admin edit in
# another process); between checks the in-memory snapshot is used as it is.
ERRORKB_CATALOGUE_REFRESH_SECONDS = float(os.getenv("ERRORKB_CATALOGUE_REFRESH_SECONDS", "2"))

# Rate limits: "off", or a comma list like "anon=120/min,diagnose=60/min,token=6000/min".
DEFAULT_RATE_LIMITS = {"anon": "600/min", "diagnose": "120/min", "token": "6000/min"}


def _rate_limits(value: str) -> dict[str, str] | None:
    if value.strip().lower() == "off":
        return None
    rates = dict(DEFAULT_RATE_LIMITS)
    for item in filter(None, (part.strip() for part in value.split(","))):
        scope, sep, rate = item.partition("=")
        if not sep or scope.strip() not in rates:
            raise ImproperlyConfigured(
                f"ERRORKB_RATE_LIMITS: {item!r} is not scope=rate with scope one of {sorted(rates)}"
            )
        rates[scope.strip()] = rate.strip()
    return rates


ERRORKB_RATE_LIMITS = _rate_limits(os.getenv("ERRORKB_RATE_LIMITS", ""))

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["errorkb.api.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["errorkb.api.parsers.JSONBodyParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": ["errorkb.api.auth.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": [],
    "DEFAULT_THROTTLE_RATES": ERRORKB_RATE_LIMITS or {},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "errorkb.api.errors.problem_exception_handler",
    "UNAUTHENTICATED_USER": None,
    # Anonymous callers are counted per address. Behind N proxies that append to
    # X-Forwarded-For the client is the Nth address from the right; with 0 the
    # header is ignored, so a caller cannot dodge its limit by sending one.
    "NUM_PROXIES": int(os.getenv("DJANGO_NUM_PROXIES", "1" if env_bool("DJANGO_HTTPS", False) else "0")),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "ErrorKB API",
    "DESCRIPTION": "Every documented error of RukkyHub and 123hub: look them up, search them, "
    "and diagnose a raw pasted error.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Security. DJANGO_HTTPS=true is the production switch: behind a TLS-terminating
# proxy that sets X-Forwarded-Proto, it turns on the redirect, HSTS and secure cookies.
HTTPS = env_bool("DJANGO_HTTPS", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "errorkb.web.logs.RequestIdLogFilter"},
        # A last guard: an exception message or request line quoting a paste loses its secrets.
        "scrub_secrets": {"()": "errorkb.web.logs.ScrubSecretsLogFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id", "scrub_secrets"],
        },
    },
    "root": {"handlers": ["console"], "level": os.getenv("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django logs the request line of 4xx/5xx; never the body, so pastes stay out.
        "django.request": {"level": "ERROR"},
        # The dev server's request lines go through the same scrubbing handler.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
