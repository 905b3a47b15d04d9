"""Production: every secret from the environment, every transport protection on."""

from compendium.config import env, env_required

from .base import *  # noqa: F403

DEBUG = False
if env("DEBUG"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("DEBUG cannot be on with production settings.")

SECRET_KEY = env_required("SECRET_KEY")
ALLOWED_HOSTS = env_required("ALLOWED_HOSTS")
COMPENDIUM_DEMO = False

SECURE_SSL_REDIRECT = env("SECURE_SSL_REDIRECT")
SECURE_HSTS_SECONDS = env("SECURE_HSTS_SECONDS")
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
if env("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
