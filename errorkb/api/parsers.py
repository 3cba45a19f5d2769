import codecs

from rest_framework.parsers import BaseParser


class PlainTextParser(BaseParser):
    """A text/plain body is the paste itself.

    Any bytes are accepted: invalid UTF-8 (or an unknown charset) is decoded with
    replacement characters, and a NUL, which no paste needs, becomes one too.
    """

    media_type = "text/plain"

    def parse(self, stream, media_type=None, parser_context=None):
        charset = (parser_context or {}).get("encoding") or "utf-8"
        try:
            codecs.lookup(charset)
        except LookupError:
            charset = "utf-8"
        raw = stream.read() if stream is not None else b""
        return {"body": raw.decode(charset, errors="replace").replace("\x00", "\ufffd")}
