import os

from django.core.wsgi import get_wsgi_application

from csplatform.heap import heap_settle

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csplatform.settings")
application = get_wsgi_application()
heap_settle()  # after Django and every app are loaded, before the first request
