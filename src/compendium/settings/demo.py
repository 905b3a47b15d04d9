"""Demo and development: `make demo`. Works with no environment variables at all."""

import secrets

from compendium.config import env

from .base import *  # noqa: F403
from .base import STATIC_ROOT, VAR_DIR

DEBUG = env("DEBUG", default=True)
COMPENDIUM_DEMO = True
# Serve static files straight from the apps: no `collectstatic` step in the demo.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)


def _demo_secret_key() -> str:
    """A key kept under var/ so sessions survive restarts, never committed anywhere."""
    if key := env("SECRET_KEY"):
        return key
    path = VAR_DIR / "demo-secret-key.txt"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _demo_secret_key()
