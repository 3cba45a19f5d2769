from rest_framework.parsers import BaseParser


class PlainTextParser(BaseParser):
    """A text/plain body is the paste itself."""

    media_type = "text/plain"

    def parse(self, stream, media_type=None, parser_context=None):
        charset = (parser_context or {}).get("encoding") or "utf-8"
        return {"body": stream.read().decode(charset, errors="replace")}
