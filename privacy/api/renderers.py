from rest_framework.renderers import BaseRenderer

from accounts.api.renderers import SafeJSONRenderer


class ZipRenderer(BaseRenderer):
    """Lets a client ask for ``application/zip``; an error answer is still written as JSON."""

    media_type = "application/zip"
    format = "zip"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return SafeJSONRenderer().render(data, "application/json", renderer_context)
