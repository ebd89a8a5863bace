import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pleroma_py.settings")
application = get_wsgi_application()

# What is loaded by now lives as long as the worker: keep it out of the collector's full
# passes, which otherwise walk every module and URL pattern now and then, mid-request.
gc.freeze()
