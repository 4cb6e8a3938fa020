"""Configuration, read from FINSAM_* environment variables with strict parsing.

A value that cannot be parsed stops the start with a message naming the variable, rather
than falling back silently. Secrets can also be given as FINSAM_X_FILE (a path to a file).
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

PACKAGE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def env_days(name: str, default: list[int]) -> list[int]:
    """A comma-separated list of whole days, each 0–366 ("30,7")."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        days = sorted({int(part) for part in raw.split(",") if part.strip()}, reverse=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be whole days separated by commas, not {raw!r}") from exc
    if not days or any(day < 0 or day > 366 for day in days):
        raise ImproperlyConfigured(f"{name} must list days between 0 and 366, not {raw!r}")
    return days


def env_base32(name: str) -> str:
    """A base32 secret (RFC 4648 letters A–Z and digits 2–7, at least 16 of them, spaces and padding
    allowed), as upper case without spaces or padding; "" when unset."""
    raw = os.environ.get(name, "")
    value = "".join(raw.split()).upper().rstrip("=")
    if not value:
        return ""
    if len(value) < 16 or any(c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" for c in value):
        raise ImproperlyConfigured(
            f"{name} must be base32 (letters A-Z and digits 2-7), at least 16 characters"
        )
    try:
        base64.b32decode(value + "=" * (-len(value) % 8))
    except binascii.Error as exc:
        raise ImproperlyConfigured(f"{name} is not valid base32") from exc
    return value


def env_secret(name: str, *, data_dir: Path, filename: str) -> str:
    """A secret from NAME, from the file NAME_FILE, or (embedded install) from a file under var/.

    The generated file is created once with mode 0600 so that restarts keep the same key.
    """
    value = os.environ.get(name, "").strip()
    if value:
        return value
    file_name = os.environ.get(f"{name}_FILE", "").strip()
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE cannot be read: {exc.strerror}") from exc
    path = data_dir / filename
    if not path.exists():
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(50))
    return path.read_text(encoding="utf-8").strip()


def private_data_dir(path: Path) -> None:
    """The data directory holds the keys, the SQLite database and the uploaded files: readable by the
    owner only. Whatever the process creates from now on is created so (umask 077: directories 0700,
    files 0600), and an existing directory and database made before are narrowed to the same."""
    os.umask(0o077)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        if path.stat().st_mode & 0o077:
            path.chmod(0o700)
        for database in path.glob("*.sqlite3*"):
            if database.stat().st_mode & 0o077:
                database.chmod(0o600)
    except OSError as exc:
        raise ImproperlyConfigured(f"FINSAM_DATA_DIR {path} cannot be made private: {exc.strerror}") from exc


DATA_DIR = Path(env_str("FINSAM_DATA_DIR", str(Path.cwd() / "var"))).resolve()
DEBUG = env_bool("FINSAM_DEBUG", False)
TESTING = env_bool("FINSAM_TESTING", False)
if not TESTING:
    private_data_dir(DATA_DIR)

if TESTING and not os.environ.get("FINSAM_SECRET_KEY"):
    SECRET_KEY = "tests-only-" + "x" * 40
else:
    SECRET_KEY = env_secret("FINSAM_SECRET_KEY", data_dir=DATA_DIR, filename="secret_key")
# Participant identities (R-CONSENT): FINSAM_IDENTITY_KEY encrypts personnummer at rest; several keys may be
# given comma-separated, newest first, to rotate (`finsam rotate-identity-keys` re-encrypts with the first).
# FINSAM_IDENTITY_HASH_KEY keys the hash that recognises the same person again; it cannot be rotated.
if TESTING and not os.environ.get("FINSAM_IDENTITY_KEY"):
    IDENTITY_KEYS = ["tests-only-identity-key-" + "y" * 40]
else:
    IDENTITY_KEYS = [
        key.strip()
        for key in env_secret("FINSAM_IDENTITY_KEY", data_dir=DATA_DIR, filename="identity_key").split(",")
        if key.strip()
    ]
if TESTING and not os.environ.get("FINSAM_IDENTITY_HASH_KEY"):
    IDENTITY_HASH_KEY = "tests-only-identity-hash-key-" + "z" * 40
else:
    IDENTITY_HASH_KEY = env_secret(
        "FINSAM_IDENTITY_HASH_KEY", data_dir=DATA_DIR, filename="identity_hash_key"
    )
if not IDENTITY_KEYS or any(len(key) < 32 for key in IDENTITY_KEYS) or len(IDENTITY_HASH_KEY) < 32:
    raise ImproperlyConfigured("FINSAM_IDENTITY_KEY and FINSAM_IDENTITY_HASH_KEY need at least 32 characters")
# Identities are removed this many years after a participant's last exit (scheduled `purge-identities`).
# The audit chain (docs/security.md): FINSAM_AUDIT_KEY keys the HMAC that seals the audit log. It lives
# outside the database, so that whoever can write the database cannot recompute the chain.
if TESTING and not os.environ.get("FINSAM_AUDIT_KEY"):
    AUDIT_KEY = "tests-only-audit-key-" + "a" * 40
else:
    AUDIT_KEY = env_secret("FINSAM_AUDIT_KEY", data_dir=DATA_DIR, filename="audit_key")
if len(AUDIT_KEY) < 32:
    raise ImproperlyConfigured("FINSAM_AUDIT_KEY needs at least 32 characters")
IDENTITY_RETENTION_YEARS = env_int("FINSAM_IDENTITY_RETENTION_YEARS", 5, minimum=1)

ALLOWED_HOSTS = env_list("FINSAM_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("FINSAM_CSRF_TRUSTED_ORIGINS", [])

_default_db = f"sqlite:///{DATA_DIR / 'finsam.sqlite3'}"
_db_url = env_str("FINSAM_DATABASE_URL", _default_db)
if TESTING:
    _db_url = env_str("FINSAM_TEST_DATABASE_URL", "sqlite://:memory:")
try:
    DATABASES = {
        # A connection is kept for FINSAM_DB_CONN_MAX_AGE seconds (one per gunicorn thread), and checked
        # before a request reuses it, so that a database restart costs no failed request.
        "default": dj_database_url.parse(
            _db_url, conn_max_age=env_int("FINSAM_DB_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
except ValueError as exc:
    raise ImproperlyConfigured(f"FINSAM_DATABASE_URL is not a database URL: {exc}") from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL: readers do not wait for the writer. IMMEDIATE: a transaction takes the write lock as it begins, so
    # that a second writer (the web server beside the task worker) waits its turn; a transaction that read
    # first would otherwise fail at its first write when another wrote in between.
    # The busy timeout bounds that wait: a writer that finds the lock taken retries for up to
    # FINSAM_SQLITE_BUSY_TIMEOUT seconds before it fails with "database is locked". No transaction of the
    # platform holds the lock that long: an import prepares its rows outside the write transaction and
    # writes them in one short one (docs/import.md, "Beside the work of others").
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("FINSAM_SQLITE_BUSY_TIMEOUT", 20, minimum=1),
    }

INSTALLED_APPS = [
    # Before the admin: accounts' registration/ templates (password reset pages and e-mail) must win over
    # the admin's templates of the same names.
    "finsam.core",
    "finsam.accounts",
    "finsam.core.apps.FinsamAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "axes",
    # The second factor (accounts.two_factor): TOTP apps and one-time recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "finsam.reports",
    "django_tasks_db",
    "finsam.registry",
    "finsam.finance",
    "finsam.interventions",
    "finsam.followup",
    "finsam.imports",
    "finsam.statistics",
    "finsam.governance",
    "finsam.national",
    # The shell (the package itself): the commands that compose several apps (demo, grant-role,
    # export-openapi, backup, restore, subject-report) and the pages above the apps.
    "finsam",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "finsam.core.middleware.RequestBoundsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "finsam.core.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "finsam.core.middleware.RequestContextMiddleware",
    # A user who must give a second factor gives it before any page that is not public (core.second_factor).
    "finsam.core.second_factor.SecondFactorMiddleware",
    # Answers a sign-in refused for too many failures (accounts.signin.lockout_response).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "finsam.urls"
WSGI_APPLICATION = "finsam.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "finsam.core.context_processors.navigation",
                "finsam.core.context_processors.release_version",
                "django.template.context_processors.csp",
            ],
        },
    }
]

# "charts": the SVG charts, drawn once for every process of the installation and kept across restarts
# (reports/charts.py), as files under the data directory (private, like the keys beside them). They hold
# the figures a page shows and nothing else. The tests keep them in the process.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "charts": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache" / "charts"),
        "TIMEOUT": 60 * 60 * 24 * 30,
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
}
if TESTING:
    CACHES["charts"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "charts"}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Passwords are hashed with Argon2id (Django's parameters: 100 MiB, two passes, eight lanes), memory-hard
# and about half the CPU of Django's PBKDF2 (1 500 000 iterations) on the same core; a hash made with PBKDF2
# is still checked and replaced by an Argon2 hash at the next sign-in (docs/security.md, "Passwords").
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

# The sign-in (docs/security.md, "Sign-in"): django-axes counts the failures and refuses further tries. The
# lock is per account and client address together, so that a municipality behind one address is not
# locked out together by one person's mistakes; an address that fails for many accounts (password spraying)
# is refused for every account at FINSAM_SIGNIN_ADDRESS_FAILURE_LIMIT. Both last FINSAM_SIGNIN_LOCKOUT_MINUTES
# after the latest failure. The first backend checks the lock: every authenticate() must pass the request.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
SIGNIN_FAILURE_LIMIT = env_int("FINSAM_SIGNIN_FAILURE_LIMIT", 10, minimum=1)
SIGNIN_ADDRESS_FAILURE_LIMIT = env_int("FINSAM_SIGNIN_ADDRESS_FAILURE_LIMIT", 100, minimum=1)
SIGNIN_LOCKOUT_MINUTES = env_int("FINSAM_SIGNIN_LOCKOUT_MINUTES", 15, minimum=1)
AXES_HANDLER = "finsam.accounts.signin.SignInAttempts"
AXES_FAILURE_LIMIT = SIGNIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=SIGNIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "finsam.core.middleware.client_address"
AXES_LOCKOUT_CALLABLE = "finsam.accounts.signin.lockout_response"
AXES_RESET_ON_SUCCESS = True
# A sign-in with e-legitimation guesses nothing: neither counted nor locked (accounts.signin.not_a_password).
AXES_WHITELIST_CALLABLE = "finsam.accounts.signin.not_a_password"
# The audit log records sign-ins (accounts.services); axes keeps only the failures it counts, and names no
# user or address in its log lines. Its admin pages are not offered (to unlock at once:
# `finsam manage axes_reset_username USERNAME`).
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# Showing or exporting identities and changing roles need the password given in the last
# FINSAM_REAUTHENTICATION_MINUTES (a sign-in counts); otherwise the user confirms it again (core.reauth).
REAUTHENTICATION_MINUTES = env_int("FINSAM_REAUTHENTICATION_MINUTES", 15, minimum=1)
# An invitation's link to set a password is valid FINSAM_INVITATION_HOURS, and once (accounts.services).
INVITATION_HOURS = env_int("FINSAM_INVITATION_HOURS", 72, minimum=1)


@dataclass(frozen=True)
class OidcProvider:
    """The OpenID Connect provider that signs users in (env_oidc). The endpoints are None when they are to
    be read from the issuer's discovery document."""

    issuer: str
    client_id: str
    client_secret: str
    authorization_endpoint: str | None
    token_endpoint: str | None
    jwks_uri: str | None
    high_assurance_acr: tuple[str, ...]
    user_claim: str
    sign_algorithm: str
    scopes: str
    acr_values: str
    timeout_seconds: int


def _https(name: str, value: str) -> str:
    loopback = value.startswith(("http://127.0.0.1:", "http://localhost:", "http://[::1]:"))
    if not (value.startswith("https://") or loopback) or any(char.isspace() for char in value):
        raise ImproperlyConfigured(f"{name} must be an https:// address, not {value!r}")
    return value


def env_oidc() -> OidcProvider | None:
    """Sign-in through an OpenID Connect provider (an e-ID broker: BankID, Freja, SITHS), off unless
    FINSAM_OIDC_ISSUER is set; then the client's id and secret are required, and the provider's endpoints
    are either all three given or all three read from the issuer's discovery document at first use.
    FINSAM_OIDC_HIGH_ASSURANCE_ACR lists the `acr` values (in the ID token) that count as both factors;
    FINSAM_OIDC_USER_CLAIM names the claim whose value an administrator links to an account
    (docs/security.md, "Sign-in with e-legitimation"). The provider never creates an account."""
    issuer = env_str("FINSAM_OIDC_ISSUER").rstrip("/")
    if not issuer:
        stray = sorted(
            name for name in os.environ if name.startswith("FINSAM_OIDC_") and os.environ[name].strip()
        )
        if stray:
            raise ImproperlyConfigured(f"{stray[0]} is set but FINSAM_OIDC_ISSUER is not")
        return None
    _https("FINSAM_OIDC_ISSUER", issuer)
    client_id = env_str("FINSAM_OIDC_CLIENT_ID")
    secret = env_str("FINSAM_OIDC_CLIENT_SECRET")
    if not secret and (secret_file := env_str("FINSAM_OIDC_CLIENT_SECRET_FILE")):
        try:
            secret = Path(secret_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"FINSAM_OIDC_CLIENT_SECRET_FILE cannot be read: {exc.strerror}"
            ) from exc
    if not client_id or not secret:
        raise ImproperlyConfigured(
            "FINSAM_OIDC_ISSUER needs FINSAM_OIDC_CLIENT_ID and FINSAM_OIDC_CLIENT_SECRET"
        )
    endpoints = {
        name: env_str(name)
        for name in (
            "FINSAM_OIDC_AUTHORIZATION_ENDPOINT",
            "FINSAM_OIDC_TOKEN_ENDPOINT",
            "FINSAM_OIDC_JWKS_URI",
        )
    }
    given = {name: _https(name, value) for name, value in endpoints.items() if value}
    if given and len(given) != len(endpoints):
        raise ImproperlyConfigured(
            "FINSAM_OIDC_AUTHORIZATION_ENDPOINT, FINSAM_OIDC_TOKEN_ENDPOINT and FINSAM_OIDC_JWKS_URI are "
            "given all three or not at all (then they are read from the issuer's discovery document)"
        )
    claim = env_str("FINSAM_OIDC_USER_CLAIM", "sub")
    if not claim or not all(char.isalnum() or char in "_-.:" for char in claim):
        raise ImproperlyConfigured(f"FINSAM_OIDC_USER_CLAIM must be the name of a claim, not {claim!r}")
    algorithm = env_str("FINSAM_OIDC_SIGN_ALGO", "RS256")
    if algorithm not in {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"}:
        raise ImproperlyConfigured(
            f"FINSAM_OIDC_SIGN_ALGO must be an asymmetric algorithm, not {algorithm!r}"
        )
    scopes = env_list("FINSAM_OIDC_SCOPES", ["openid"])
    if "openid" not in scopes:
        raise ImproperlyConfigured("FINSAM_OIDC_SCOPES must include openid")
    return OidcProvider(
        issuer=issuer,
        client_id=client_id,
        client_secret=secret,
        authorization_endpoint=given.get("FINSAM_OIDC_AUTHORIZATION_ENDPOINT"),
        token_endpoint=given.get("FINSAM_OIDC_TOKEN_ENDPOINT"),
        jwks_uri=given.get("FINSAM_OIDC_JWKS_URI"),
        high_assurance_acr=tuple(env_list("FINSAM_OIDC_HIGH_ASSURANCE_ACR", [])),
        user_claim=claim,
        sign_algorithm=algorithm,
        scopes=" ".join(scopes),
        acr_values=" ".join(env_list("FINSAM_OIDC_ACR_VALUES", [])),
        timeout_seconds=env_int("FINSAM_OIDC_TIMEOUT_SECONDS", 10, minimum=1),
    )


# Sign-in with e-legitimation through an OpenID Connect provider (accounts.oidc), None when off. Its backend
# answers only the provider's callback, and is there only when the sign-in is configured.
OIDC_PROVIDER = env_oidc()
if OIDC_PROVIDER is not None:
    AUTHENTICATION_BACKENDS.append("finsam.accounts.oidc.SignInLinkBackend")
# The second factor (core.second_factor, accounts.two_factor): the name the TOTP apps show, and the pause
# after each wrong code in a row (1, 2, 4 … seconds times the factor), kept across password sign-ins.
OTP_TOTP_ISSUER = "Finsam"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# finsam/static (vendored FKUI and htmx, our CSS) belongs to no single app, so the app finder misses it.
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DATA_DIR / "media"},
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = TESTING
# Uploaded files (the scanned consent forms, encrypted besides) for the owner only, like the data directory.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_mail_backend = env_str("FINSAM_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
_mail_options: dict[str, object] = {}
if _mail_backend.endswith("smtp.EmailBackend"):
    _mail_options = {
        "host": env_str("FINSAM_EMAIL_HOST", "localhost"),
        "port": env_int("FINSAM_EMAIL_PORT", 25, minimum=1),
        "username": env_str("FINSAM_EMAIL_HOST_USER"),
        "password": env_str("FINSAM_EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("FINSAM_EMAIL_USE_TLS", False),
    }
MAILERS = {"default": {"BACKEND": _mail_backend, "OPTIONS": _mail_options}}
DEFAULT_FROM_EMAIL = env_str("FINSAM_DEFAULT_FROM_EMAIL", "finsam@localhost")
# Where the accessibility statement tells people to report what they cannot use.
ACCESSIBILITY_CONTACT = env_str("FINSAM_ACCESSIBILITY_CONTACT") or DEFAULT_FROM_EMAIL

SECURE_COOKIES = env_bool("FINSAM_SECURE_COOKIES", False)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("FINSAM_SESSION_SECONDS", 8 * 3600, minimum=300)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content Security Policy (Django's own): scripts, styles, images and fonts from the site itself only; no
# inline script or style and no style attribute anywhere (the templates keep both in static files; htmx is
# told not to inject its indicator styles). A template that truly needs an inline script takes the
# request's nonce ({{ csp_nonce }}). FKUI's stylesheet draws a few icons from data: URIs.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
BEHIND_TLS_PROXY = env_bool("FINSAM_BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Served over TLS (the proxy says so), the site redirects plain HTTP and sends HSTS for a year, its own host
# name and below it (finsam.example.org and *.finsam.example.org, never the rest of the domain). The health
# check of a load balancer that calls the server directly is not redirected.
SECURE_SSL_REDIRECT = env_bool("FINSAM_SSL_REDIRECT", BEHIND_TLS_PROXY)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = env_int("FINSAM_HSTS_SECONDS", 365 * 24 * 3600 if BEHIND_TLS_PROXY else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("FINSAM_HSTS_INCLUDE_SUBDOMAINS", True)
# The browsers' preload list takes whole registered domains (example.org, not finsam.example.org): that is
# the domain owner's decision, not the application's, so `check --deploy` does not ask for it here.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

# The client address recorded in the audit log and counted by the sign-in lock: REMOTE_ADDR, or, behind a
# proxy that sets it, the last X-Forwarded-For address (the one the proxy itself added; anything before it
# came from the client and could be made up).
TRUST_X_FORWARDED_FOR = env_bool("FINSAM_TRUST_X_FORWARDED_FOR", False)

API_TOKEN_DAYS = env_int("FINSAM_API_TOKEN_DAYS", 30, minimum=1)
DEMO_PASSWORD = env_str("FINSAM_DEMO_PASSWORD")
# The TOTP secret of the demo users who must give a second factor (base32, at least 16 characters: 80
# bits); generated and printed with the logins when unset (finsam.demo).
DEMO_TOTP_SECRET = env_base32("FINSAM_DEMO_TOTP_SECRET")
# A file of Skatteverket's test identity numbers (testpersonnummer); when set, the demo's identified
# participants get numbers from it only, certain not to be a real person's (followup/demo.py).
DEMO_IDENTITY_NUMBERS = env_str("FINSAM_DEMO_IDENTITY_NUMBERS")

# Finance: the reference level of equity (eget kapital) as a percentage of the year's contributions. Above it
# the budget and outcome pages warn that the förbund holds more than recommended (R-EQUITY, docs/finance.md).
EQUITY_REFERENCE_PERCENT = env_int("FINSAM_EQUITY_REFERENCE_PERCENT", 20, minimum=0)

# Follow-up: the yearly cost to the public of one full-year equivalent of public support (helårsekvivalent),
# in whole kronor, for the socio-economic estimate (docs/socioeconomics.md). A page may try another value.
FYE_YEARLY_COST = env_int("FINSAM_FYE_YEARLY_COST", 250_000, minimum=1)

# Bodies are bounded before they are read (core.middleware.RequestBoundsMiddleware answers 413): a form or
# an API request (JSON only) at most FINSAM_FORM_MAX_BYTES; a page's request with a file at most
# FINSAM_REQUEST_MAX_BYTES (by default the largest import and a margin for the form around it). Files over
# FILE_UPLOAD_MAX_MEMORY_SIZE are streamed to a temporary file instead of memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("FINSAM_FORM_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Background work (docs/operations.md): django.tasks on a queue in the database, run by `finsam worker`
# processes beside the web server. Imports, password reset mail and the daily jobs go through it.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Participant import (docs/import.md): the largest file accepted, in bytes, and the lease of a run: the
# worker renews it while it works; a run whose lease ran out (a worker that died) is shown as failed and
# frees the förbund for a new import.
IMPORT_MAX_BYTES = env_int("FINSAM_IMPORT_MAX_BYTES", 50 * 1024 * 1024, minimum=1024)
IMPORT_LEASE_SECONDS = env_int("FINSAM_IMPORT_LEASE_SECONDS", 120, minimum=1)
# Bounds of every import whatever its file says (docs/import.md, "Bounds"), by default large enough for a
# file of 2 000 000 rows: the rows of a table; a workbook's size unpacked (all its parts, as its zip
# directory declares them, which also bounds what is unpacked) and its shared-strings part, which openpyxl
# holds in memory; the row errors kept and reported before the checking stops; and the days a finished run
# of the upload page is kept, with its errors.
IMPORT_MAX_ROWS = env_int("FINSAM_IMPORT_MAX_ROWS", 2_000_000, minimum=1)
IMPORT_MAX_UNPACKED_BYTES = env_int("FINSAM_IMPORT_MAX_UNPACKED_BYTES", 1536 * 1024**2, minimum=1024)
IMPORT_MAX_SHARED_STRINGS_BYTES = env_int(
    "FINSAM_IMPORT_MAX_SHARED_STRINGS_BYTES", 128 * 1024**2, minimum=1024
)
IMPORT_MAX_ERRORS = env_int("FINSAM_IMPORT_MAX_ERRORS", 1000, minimum=1)
IMPORT_RUN_KEEP_DAYS = env_int("FINSAM_IMPORT_RUN_KEEP_DAYS", 30, minimum=1)
REQUEST_MAX_BYTES = env_int("FINSAM_REQUEST_MAX_BYTES", IMPORT_MAX_BYTES + 1024 * 1024, minimum=1024)

# Governance: the annual cycle's reminders go out this many days before and after each due date
# (`finsam send-reminders`, run daily). The address in the e-mails and in calendar feeds is FINSAM_SITE_URL.
REMINDER_DAYS_BEFORE = env_days("FINSAM_REMINDER_DAYS_BEFORE", [30, 7])
REMINDER_DAYS_AFTER = env_days("FINSAM_REMINDER_DAYS_AFTER", [1, 14])
SITE_URL = env_str("FINSAM_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# The deployment's name for the build it runs (a tag or a commit), shown after the package's version in the
# footer, the API (GET /api/v1/release) and the health check.
RELEASE = env_str("FINSAM_RELEASE")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"refusal_on_one_line": {"()": "finsam.core.logging.RefusalOnOneLine"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["refusal_on_one_line"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("FINSAM_LOG_LEVEL", "INFO").upper()},
    # WeasyPrint reports every layout step at INFO; only its warnings belong in the log.
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        # One line per refused sign-in and lockout, without user name or address (AXES_SENSITIVE_PARAMETERS).
        "axes": {"level": "WARNING"},
    },
}
