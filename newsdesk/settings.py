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


def env_int(name, default, minimum=None):
    value = env_str(name)
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be {minimum} or more, not {number}")
    return number


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
# Without one in the environment (one box), a key made for this VAR_DIR; with DEBUG too, never
# a fixed key that anyone could read here. `newsdesk check --deploy` asks for one set.
SECRET_KEY_FROM_ENVIRONMENT = bool(SECRET_KEY)
SECRET_KEY = SECRET_KEY or _local_secret_key(VAR_DIR / "secret-key")

# The secret a front cache (deploy/nginx.conf) wants in X-Newsdesk-Refresh before it fetches a
# page anew in place of its cached copy: what purging is made of. Kept like the key above.
PURGE_SECRET_FROM_ENVIRONMENT = bool(env_str("PURGE_SECRET"))
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
    "newsdesk.health",
    "newsdesk.backups",
    "newsdesk.directory",  # lists of sections, people and topics; the readers' site map
    "newsdesk.wire",  # agency copy: channels, the queue, taking items, agencies' later versions
]

MIDDLEWARE = [
    "newsdesk.site.middleware.SiteLanguageMiddleware",
    # First to see the response, so that what it stores is the response as finally sent.
    "newsdesk.pagecache.middleware.PageCacheMiddleware",
    # A query running past QUERY_TIMEOUT_SECONDS answers 503 (and is stopped, on SQLite).
    "newsdesk.site.limits.QueryTimeoutMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "newsdesk.site.security.SecurityHeadersMiddleware",
    "newsdesk.site.middleware.RefuseNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session middleware, to see its Vary: Cookie: pages for readers without
    # a session lose it; signed-in readers' and the newsroom's are marked private.
    "newsdesk.site.middleware.AnonymousPagesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before anything reads a body (the CSRF check reads the form): refuses one too large.
    "newsdesk.pictures.uploads.BodyLimitMiddleware",
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
WEB_THREADS = env_int("WEB_THREADS", 4, minimum=1)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded database's folder, on first use
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while the newsroom writes; IMMEDIATE avoids
        # "database is locked" when a read transaction later wants to write.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
    # Tests on a file, as a site runs: each server thread then has its own connection. (An
    # in-memory database is one connection shared by a test server's threads, which SQLite's
    # Python functions can lock for ever when two threads query at once.)
    # One file per test run, so that two runs in one checkout keep apart.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
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
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)

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

# Uploaded pictures' renditions (./var/media by default). Newsdesk serves renditions at
# MEDIA_URL itself unless a front server answers there first.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media").resolve()
MEDIA_URL = "/media/"
# The originals as uploaded (their metadata removed), for the newsroom only: never under a served
# folder (./var/originals by default).
ORIGINALS_ROOT = Path(env_str("ORIGINALS_ROOT") or VAR_DIR / "originals").resolve()
for _served in (MEDIA_ROOT, STATIC_ROOT):
    if ORIGINALS_ROOT == _served or _served in ORIGINALS_ROOT.parents:
        raise ImproperlyConfigured(f"ORIGINALS_ROOT must be outside MEDIA_ROOT and STATIC_ROOT ({_served})")
PICTURE_MAX_BYTES = env_int("PICTURE_MAX_BYTES", 20 * 1024 * 1024)
# More pixels than this is refused (from the file's header, before decoding): 40 MP takes the
# 24 to 36 MP of news cameras and every phone's default; each decoded copy of a picture is up to
# 120 MB (RGB) in a serving process, and the widest rendition needs a twentieth of that.
PICTURE_MAX_PIXELS = env_int("PICTURE_MAX_PIXELS", 40_000_000)
try:
    PICTURE_WIDTHS = sorted({int(width) for width in env_list("PICTURE_WIDTHS", ["320", "640", "960", "1280", "1920"])})
except ValueError:
    PICTURE_WIDTHS = []
if not PICTURE_WIDTHS or PICTURE_WIDTHS[0] < 1:
    raise ImproperlyConfigured("PICTURE_WIDTHS must be widths in pixels separated by commas, e.g. 320,640,1280")
if PICTURE_MAX_BYTES < 1 or PICTURE_MAX_PIXELS < 1:
    raise ImproperlyConfigured("PICTURE_MAX_BYTES and PICTURE_MAX_PIXELS must be 1 or more")

# Request bodies, refused with 413 as soon as they pass their limit (nginx is given the same
# figures by `newsdesk nginx-config`): a picture upload may be a picture and a form; any other
# request a form only (a comment, JSON), which is also Django's DATA_UPLOAD_MAX_MEMORY_SIZE.
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", 2 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BYTES
PICTURE_UPLOAD_MAX_BYTES = PICTURE_MAX_BYTES + REQUEST_MAX_BYTES

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # no script reads it: site/csrf.js fetches a token instead
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"

# The site is served over HTTPS by the front server (deploy/nginx.conf, or a load balancer),
# which ends TLS and says so in X-Forwarded-Proto. Then cookies are Secure and browsers are
# told to come back over HTTPS only (HSTS, two years by default).
HTTPS = env_bool("HTTPS", False)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 2 * 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)
    # Plain HTTP is redirected by the front server, not here: the front cache's refresh
    # requests reach Newsdesk over plain HTTP from the same box, and a redirect would be
    # cached in place of the page.
    SILENCED_SYSTEM_CHECKS = ["security.W008"]

# Processes that parse files ahead of the saving in a large `newsdesk import`
# (0: parse in the importing process); by default one fewer than the CPUs, at most 4.
_CPUS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
IMPORT_WORKERS = env_int("IMPORT_WORKERS", min(max(_CPUS - 1, 0), 4), minimum=0)
# The same for a wire channel's run over many files: read ahead of the saving (0: none).
WIRE_WORKERS = env_int("WIRE_WORKERS", IMPORT_WORKERS, minimum=0)

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

# The demo newsroom account that `newsdesk serve --demo` (`make demo`) makes and prints.
NEWSROOM_USERNAME = env_str("NEWSROOM_USERNAME", "editor")

# How often the serving process publishes scheduled stories whose time has come (0: never;
# then run `newsdesk publish-due` from cron instead).
SCHEDULER_SECONDS = env_int("SCHEDULER_SECONDS", 15)

# The wire desk: items nobody took leave the queue after this many days (taken ones stay);
# each serving process runs the wire channels (0: only `newsdesk wire run` does).
WIRE_EXPIRE_DAYS = env_int("WIRE_EXPIRE_DAYS", 7)
WIRE_CHANNELS_IN_SERVE = env_bool("WIRE_CHANNELS_IN_SERVE", True)

HOST = env_str("HOST", "127.0.0.1")
PORT = env_int("PORT", 8000)
# Server worker processes: one per CPU and one more. Not gunicorn's 2n+1: granian's workers
# are asynchronous, each holds many connections (slow clients, streams) on its event loop.
# The one more answers cached pages while the others' Django threads hold the interpreter
# rendering a page, and spreads a spike's connections thinner (measured: docs/benchmarks.md).
WEB_CONCURRENCY = env_int("WEB_CONCURRENCY", _CPUS + 1, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Health checks and backups.
# How long /readyz waits for the database (and Redis) to answer before it says "not ready".
HEALTH_TIMEOUT_SECONDS = env_float("HEALTH_TIMEOUT_SECONDS", 2.0)
if not 0 < HEALTH_TIMEOUT_SECONDS <= 60:
    raise ImproperlyConfigured(f"HEALTH_TIMEOUT_SECONDS must be more than 0 and at most 60, not {HEALTH_TIMEOUT_SECONDS}")
# Where `newsdesk backup` writes its archive when not given a path.
BACKUP_DIR = Path(env_str("BACKUP_DIR") or VAR_DIR / "backups").resolve()

# Sign-in security: an optional second factor (a code from an authenticator app) for newsroom
# accounts, and each account's list of signed-in sessions, which it can sign out.
INSTALLED_APPS += ["newsdesk.twofactor", "newsdesk.signins"]
MIDDLEWARE += [
    "newsdesk.signins.middleware.SignInMiddleware",
    "newsdesk.twofactor.middleware.SecondFactorMiddleware",
]
# When true, staff and superusers (who can reach /admin/) must set up the second factor before
# anything else, and reach the admin only from a session that gave its code.
NEWSROOM_REQUIRE_2FA_FOR_ADMINS = env_bool("NEWSROOM_REQUIRE_2FA_FOR_ADMINS", False)

# --- Request limits: how much a client may send, how slowly, and how long a page's queries
# may run (README "Limits"). Each refusal is a clear page: 408, 413, 429 or 503.
# Seconds a client gets to send its request line and headers (granian counts from the first
# byte; 1 to 60).
REQUEST_HEADER_SECONDS = env_int("REQUEST_HEADER_SECONDS", 10)
if not 1 <= REQUEST_HEADER_SECONDS <= 60:
    raise ImproperlyConfigured(f"REQUEST_HEADER_SECONDS must be 1 to 60, not {REQUEST_HEADER_SECONDS}")
# Seconds a client gets to send its request body, plus one for every 64 KB of it: the body is
# read in front of Django, so a slow one holds no Django thread, and a stalled one gets 408.
REQUEST_BODY_SECONDS = env_int("REQUEST_BODY_SECONDS", 20, minimum=1)
# REQUEST_MAX_BYTES (with the pictures' settings above): bigger bodies get 413 before they are
# read; in the newsroom and the admin a picture upload may be PICTURE_MAX_BYTES more.
REQUEST_MAX_FIELDS = env_int("REQUEST_MAX_FIELDS", 1000)
if REQUEST_MAX_BYTES < 1024 or REQUEST_MAX_FIELDS < 100:
    raise ImproperlyConfigured("REQUEST_MAX_BYTES must be 1024 or more and REQUEST_MAX_FIELDS 100 or more")
DATA_UPLOAD_MAX_NUMBER_FIELDS = REQUEST_MAX_FIELDS
DATA_UPLOAD_MAX_NUMBER_FILES = 10  # the newsroom uploads one picture at a time
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # a larger upload waits in a temporary file
# Seconds one database query of a web request may run before the request gets 503 (PostgreSQL's
# statement_timeout in the serving processes only, an equivalent guard on SQLite; 0: no limit).
# Commands (`newsdesk import`, migrations) have none.
QUERY_TIMEOUT_SECONDS = env_float("QUERY_TIMEOUT_SECONDS", 10.0)
if QUERY_TIMEOUT_SECONDS < 0:
    raise ImproperlyConfigured(f"QUERY_TIMEOUT_SECONDS must be 0 or more, not {QUERY_TIMEOUT_SECONDS}")

# Sign-in throttling and breached passwords.
# Rate limits (comments, sign-ups, sign-ins) are counted in Redis with REDIS_URL, else in the
# database: either way shared by every server process.
INSTALLED_APPS += ["newsdesk.ratelimit", "newsdesk.logins"]
# Failed sign-ins ("count/seconds") after which a form refuses further attempts, per account
# (the username or email typed, known or not) and per client address, until the window closes.
LOGIN_FAILURES_PER_ACCOUNT = env_rate("LOGIN_FAILURES_PER_ACCOUNT", "10/600")
LOGIN_FAILURES_PER_CLIENT = env_rate("LOGIN_FAILURES_PER_CLIENT", "10/600")
# Passwords are also checked against a list of passwords known from breaches, shipped with the site.
AUTH_PASSWORD_VALIDATORS += [{"NAME": "newsdesk.passwords.validators.BreachedPasswordValidator"}]

# Feeds: RSS, Atom and JSON Feed of the whole site, each section, person and topic, and the
# briefs. How many of the latest stories each feed lists.
INSTALLED_APPS += ["newsdesk.feeds"]
FEED_ITEMS = env_int("FEED_ITEMS", 50)
if not 1 <= FEED_ITEMS <= 500:
    raise ImproperlyConfigured(f"FEED_ITEMS must be 1 to 500, not {FEED_ITEMS}")

# --- JSON API (/api/, README "JSON API"): newsroom tokens and how often a client may call.
INSTALLED_APPS += ["newsdesk.api"]
# Calls ("count/seconds") per newsroom token, and per client address for calls without one.
API_RATE_TOKEN = env_rate("API_RATE_TOKEN", "600/60")
API_RATE_CLIENT = env_rate("API_RATE_CLIENT", "120/60")

# --- Sharing cards and structured data (the cards app): canonical links, Open Graph, Twitter
# cards and schema.org JSON-LD on reader pages.
INSTALLED_APPS += ["newsdesk.cards"]
# The site's public address, e.g. https://news.example.com: what canonical links, share cards
# and JSON-LD call the site. Empty: the address each request came to (scheme and Host).
SITE_URL = env_str("SITE_URL").rstrip("/")
if SITE_URL and not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:\d+)?|https?://\[[0-9A-Fa-f:.]+\](:\d+)?", SITE_URL):
    raise ImproperlyConfigured(f"SITE_URL must be an address like https://news.example.com (no path), not {SITE_URL!r}")
# The site's account on X/Twitter (e.g. @newsdesk), named in Twitter cards; empty: none.
SITE_TWITTER = env_str("SITE_TWITTER")
if SITE_TWITTER and not re.fullmatch(r"@\w{1,15}", SITE_TWITTER):
    raise ImproperlyConfigured(f"SITE_TWITTER must be an account name like @newsdesk, not {SITE_TWITTER!r}")

# --- Search (newsdesk.search): the reader's search page and its index, FTS5 on SQLite and
# full-text search on PostgreSQL, kept up to date by the story services and the importer.
INSTALLED_APPS += ["newsdesk.search"]
