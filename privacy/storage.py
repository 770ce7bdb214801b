"""Where tenant exports are kept: a directory of its own (PRIVATE_MEDIA_ROOT), never served over HTTP.

Downloads go through views that check the caller is an admin of the export's tenant.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_storage() -> FileSystemStorage:
    # base_url None: the storage has no public URL; nothing can link to a file in it.
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)
