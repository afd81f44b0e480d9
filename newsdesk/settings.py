"""Newsdesk settings. The only module that reads environment variables."""

import os
import re
import zoneinfo
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent


def env_str(name, default=""):
    return os.environ.get(name, default).strip()


def env_bool(name, default=False):
    value = env_str(name).lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name, default):
    value = env_str(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_float(name, default):
    value = env_str(name)
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}") from None


def env_rate(name, default):
    """A rate limit written "count/seconds", e.g. 10/60."""
    value = env_str(name, default)
    try:
        count, seconds = (int(part) for part in value.split("/"))
        if count > 0 and seconds > 0:
            return count, seconds
    except ValueError:
        pass
    raise ImproperlyConfigured(f"{name} must be a rate like 10/60 (count/seconds), not {value!r}")


def env_list(name, default=()):
    value = env_str(name)
    return [item.strip() for item in value.split(",") if item.strip()] if value else list(default)


DEBUG = env_bool("DEBUG", False)

# Where the embedded database and other local state live (./var by default).
VAR_DIR = Path(env_str("VAR_DIR", "var")).resolve()



def _local_secret_key(path):
    """A key kept beside the embedded database, made on first use: a single box
    runs safely without configuration, and never on a key known to anyone else."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        import secrets

        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        # Written whole under another name, then linked into place: two processes starting
        # together never read a half-written key, and the first one's key is the key.
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(key)
        try:
            os.link(draft, path)
        except FileExistsError:  # another process made it first
            return path.read_text().strip()
        finally:
            os.unlink(draft)
        return key


SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    # The fixed development key is used only with DEBUG on.
    SECRET_KEY = "newsdesk-development-key" if DEBUG else _local_secret_key(VAR_DIR / "secret-key")

# The secret a front cache (deploy/nginx.conf) wants in X-Newsdesk-Refresh before it fetches a
# page anew in place of its cached copy: what purging is made of. Kept like the key above.
PURGE_SECRET = env_str("PURGE_SECRET") or _local_secret_key(VAR_DIR / "purge-secret")
if not re.fullmatch(r"[A-Za-z0-9_-]{16,}", PURGE_SECRET):
    raise ImproperlyConfigured("PURGE_SECRET must be 16 or more letters, digits, - and _")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

TIME_ZONE = env_str("TIME_ZONE", "UTC")
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"TIME_ZONE {TIME_ZONE!r} is not a known time zone (e.g. Europe/Oslo)") from None
USE_TZ = True
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "en")
USE_I18N = True

SITE_NAME = env_str("SITE_NAME", "Newsdesk")
SITE_DESCRIPTION = env_str("SITE_DESCRIPTION", "News as it happens, from an independent newsroom.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "newsdesk.people",
    "newsdesk.stories",
    "newsdesk.river",
    "newsdesk.readers",
    "newsdesk.comments",
    "newsdesk.moderation",
    "newsdesk.imports",
    "newsdesk.site",
    "newsdesk.newsroom",
    "newsdesk.audit",
    "newsdesk.demo",
    "newsdesk.pictures",
    "newsdesk.live",
    "newsdesk.pagecache",
]

MIDDLEWARE = [
    # First, so that what it stores is the response as finally sent.
    "newsdesk.pagecache.middleware.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session middleware, to see its Vary: Cookie: pages for readers without
    # a session lose it; signed-in readers' and the newsroom's are marked private.
    "newsdesk.site.middleware.AnonymousPagesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# A guest's comment, like or report that reached us without a CSRF cookie or token (pages for
# guests carry none until a script fetches one) is shown back to confirm, not refused.
CSRF_FAILURE_VIEW = "newsdesk.comments.views.csrf_failure"

ROOT_URLCONF = "newsdesk.urls"
WSGI_APPLICATION = "newsdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsdesk.site.context_processors.site",
            ],
        },
    },
]

_default_db = "sqlite:///" + str(VAR_DIR / "newsdesk.sqlite3")
DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL", _default_db), conn_max_age=60)}
# Behind a connection pooler in transaction mode (PgBouncer), PostgreSQL sessions are shared:
# no server-side cursors, and no prepared statements for imports.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DATABASE_POOLED", False)
# Django runs in a fixed pool of WEB_THREADS threads in each serving process (see asgi.py),
# each keeping its connection; a broken one (the database restarted) is replaced on next use.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
WEB_THREADS = env_int("WEB_THREADS", 4)
if WEB_THREADS < 1:
    raise ImproperlyConfigured(f"WEB_THREADS must be 1 or more, not {WEB_THREADS}")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded database's folder, on first use
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while the newsroom writes; IMMEDIATE avoids
        # "database is locked" when a read transaction later wants to write.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
# Redis when REDIS_URL says so (shared by every server process); else per process.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Readers sign in with their email address; the newsroom (and the admin) with a username.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "newsdesk.readers.backends.EmailBackend",
]
LOGIN_URL = "readers:login"
LOGIN_REDIRECT_URL = "/"

# Mail (email verification, password resets): SMTP when EMAIL_HOST is set, else
# printed to the console, so the demo shows what would have been sent.
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    # Django refuses both at once: SSL from the first byte, or STARTTLS on a plain port.
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", not EMAIL_USE_SSL)
    if EMAIL_USE_TLS and EMAIL_USE_SSL:
        raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Newsdesk <newsroom@localhost>")

# How many reverse proxies in front of Newsdesk add themselves to X-Forwarded-For;
# 0 (no proxy) makes rate limits go by the connecting address alone.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT must be 0 or more, not {TRUSTED_PROXY_COUNT}")

STATIC_URL = "/static/"
# `newsdesk serve` collects the static files here, under names with a hash of their content,
# so that they can be cached for good (by WhiteNoise, or by a front server reading this folder).
# Before any collecting, pages link the plain names and WhiteNoise finds them in the apps.
STATIC_ROOT = Path(env_str("STATIC_ROOT") or VAR_DIR / "static").resolve()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "newsdesk.site.staticfiles.HashedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# For the names without a hash; hashed names are cached for good.
WHITENOISE_MAX_AGE = 3600

# Uploaded pictures and their renditions (./var/media by default). Newsdesk serves
# renditions at MEDIA_URL itself unless a front server answers there first.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media").resolve()
MEDIA_URL = "/media/"
PICTURE_MAX_BYTES = env_int("PICTURE_MAX_BYTES", 20 * 1024 * 1024)
# More pixels than this is refused as a possible decompression bomb.
PICTURE_MAX_PIXELS = env_int("PICTURE_MAX_PIXELS", 50_000_000)
try:
    PICTURE_WIDTHS = sorted({int(width) for width in env_list("PICTURE_WIDTHS", ["320", "640", "960", "1280", "1920"])})
except ValueError:
    PICTURE_WIDTHS = []
if not PICTURE_WIDTHS or PICTURE_WIDTHS[0] < 1:
    raise ImproperlyConfigured("PICTURE_WIDTHS must be widths in pixels separated by commas, e.g. 320,640,1280")
if PICTURE_MAX_BYTES < 1 or PICTURE_MAX_PIXELS < 1:
    raise ImproperlyConfigured("PICTURE_MAX_BYTES and PICTURE_MAX_PIXELS must be 1 or more")

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Processes that parse files ahead of the saving in a large `newsdesk import`
# (0: parse in the importing process); by default one fewer than the CPUs, at most 4.
_CPUS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
IMPORT_WORKERS = env_int("IMPORT_WORKERS", min(max(_CPUS - 1, 0), 4))
if IMPORT_WORKERS < 0:
    raise ImproperlyConfigured(f"IMPORT_WORKERS must be 0 or more, not {IMPORT_WORKERS}")

# How many items the "Read next" river shows.
RIVER_SIZE = env_int("RIVER_SIZE", 5)

# Anonymous pages are cached (in memory, and in Redis when REDIS_URL is set) and purged
# exactly when what they show changes; PAGE_CACHE_SECONDS is also how long a shared cache
# in front (nginx, a CDN) may keep them between purges.
PAGE_CACHE = env_bool("PAGE_CACHE", True)
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)
PAGE_CACHE_MEMORY_MB = env_int("PAGE_CACHE_MEMORY_MB", 64)
# Front caches to purge when a page changes: nginx caches from deploy/ (base URLs, refreshed
# page by page), and a hook told the surrogate keys (a CDN or Varnish).
PURGE_NGINX_URLS = env_list("PURGE_NGINX_URLS")
PURGE_HOOK_URL = env_str("PURGE_HOOK_URL")

# How long each serving process keeps what every page shows alike (the sections menu, the
# "Read next" river) at most, in seconds; a change made in the newsroom drops it at once.
# A story scheduled for a time still to come shows in the river at most this much later.
SHARED_CACHE_SECONDS = env_float("SHARED_CACHE_SECONDS", 1.0)
if SHARED_CACHE_SECONDS < 0:
    raise ImproperlyConfigured(f"SHARED_CACHE_SECONDS must be 0 or more, not {SHARED_CACHE_SECONDS}")

# How often each serving process looks for changes made elsewhere (seconds; with Redis it is
# told at once, and looks at least every second all the same).
LIVE_POLL_SECONDS = float(env_str("LIVE_POLL_SECONDS", "0.25") or 0.25)

# Comments: the site's default for stories (open, premoderated or closed), and
# whether briefs take comments unless a story says otherwise.
COMMENTS_DEFAULT_MODE = env_str("COMMENTS_DEFAULT_MODE", "open")
if COMMENTS_DEFAULT_MODE not in ("open", "premoderated", "closed"):
    raise ImproperlyConfigured(f"COMMENTS_DEFAULT_MODE must be open, premoderated or closed, not {COMMENTS_DEFAULT_MODE!r}")
COMMENTS_ON_BRIEFS = env_bool("COMMENTS_ON_BRIEFS", False)
COMMENTS_MAX_LENGTH = env_int("COMMENTS_MAX_LENGTH", 5000)
COMMENTS_MAX_LINKS = env_int("COMMENTS_MAX_LINKS", 3)
COMMENTS_EDIT_MINUTES = env_int("COMMENTS_EDIT_MINUTES", 10)
COMMENTS_PER_PAGE = env_int("COMMENTS_PER_PAGE", 50)
# Readers' reports that send an approved comment back to the moderators.
COMMENTS_REPORTS_TO_REVIEW = env_int("COMMENTS_REPORTS_TO_REVIEW", 3)
# Seconds a reader must have had the form open before posting (bots post at once).
COMMENTS_MIN_SECONDS = env_int("COMMENTS_MIN_SECONDS", 3)
# Rate limits, as "count/seconds": per IP address and per account.
COMMENTS_RATE_IP = env_rate("COMMENTS_RATE_IP", "10/60")
COMMENTS_RATE_ACCOUNT = env_rate("COMMENTS_RATE_ACCOUNT", "5/60")
# An account younger than this (hours) has comments with links held for review.
COMMENTS_NEW_ACCOUNT_HOURS = env_int("COMMENTS_NEW_ACCOUNT_HOURS", 24)

# The newsroom account that `newsdesk serve` prints at every start.
NEWSROOM_USERNAME = env_str("NEWSROOM_USERNAME", "editor")

# How often the serving process publishes scheduled stories whose time has come (0: never;
# then run `newsdesk publish-due` from cron instead).
SCHEDULER_SECONDS = env_int("SCHEDULER_SECONDS", 15)

HOST = env_str("HOST", "127.0.0.1")
PORT = env_int("PORT", 8000)
# Server worker processes: one per CPU and one more. Not gunicorn's 2n+1: granian's workers
# are asynchronous, each holds many connections (slow clients, streams) on its event loop.
# The one more answers cached pages while the others' Django threads hold the interpreter
# rendering a page, and spreads a spike's connections thinner (measured: docs/benchmarks.md).
WEB_CONCURRENCY = env_int("WEB_CONCURRENCY", _CPUS + 1)
if WEB_CONCURRENCY < 1:
    raise ImproperlyConfigured(f"WEB_CONCURRENCY must be 1 or more, not {WEB_CONCURRENCY}")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
