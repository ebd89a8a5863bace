"""Body parsers: JSON that tolerates an empty body (clients POST actions with none)."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
        if not raw or not raw.strip():
            return {}
        import orjson

        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise ParseError("Invalid JSON body") from exc
        return data if isinstance(data, dict) else {"_": data}
