"""JSON answers that can always be written.

DRF writes non-ASCII text as UTF-8 (``ensure_ascii=False``). An error that quotes the value a client
sent ("\\ud83d" is not a valid choice) may hold a lone UTF-16 surrogate, half of an emoji, which UTF-8
cannot encode: the answer would become a 500. Such a body is written with ``\\uXXXX`` escapes instead,
which every JSON reader reads back as the same text.
"""

from rest_framework.renderers import JSONRenderer


class SafeJSONRenderer(JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            escaping = type(self)()
            escaping.ensure_ascii = True
            return JSONRenderer.render(escaping, data, accepted_media_type, renderer_context)
