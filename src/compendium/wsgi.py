import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compendium.settings.production")

application = get_wsgi_application()

# What is loaded at start lives as long as the process: keep it out of the garbage collector's
# full scans, whose pauses made the slowest 5% of searches three times slower (p95 70 → 24 ms
# for "women" at 5,000 entries). Objects that die later are still freed as usual.
gc.collect()
gc.freeze()
