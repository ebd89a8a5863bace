"""Pleroma's native captcha (pleroma-accounts 5): a random text drawn with Pillow, the
answer carried back by the client inside `answer_data`, checked once at registration.

`answer_data` holds no answer a client could read: it is a signed record of the creation
time and a keyed hash of token + answer. The token is remembered once used, so a solved
captcha cannot be replayed; a wrong attempt does not use it up (as in Pleroma).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import random
import secrets
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from core.exceptions import BadRequest

SALT = "pleroma_py.captcha"
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
LENGTH = 5
WIDTH, HEIGHT = 220, 80


def seconds_valid() -> int:
    return settings.CAPTCHA_SECONDS_VALID


def _answer_hash(token: str, answer: str) -> str:
    key = hashlib.sha256(f"{SALT}:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, f"{token}:{answer}".encode(), hashlib.sha256).hexdigest()


def draw(text: str) -> bytes:
    """A PNG of the text, jittered, on noise, with crossing lines."""
    rng = random.SystemRandom()
    image = Image.new("RGB", (WIDTH, HEIGHT), (rng.randint(215, 255),) * 3)
    pen = ImageDraw.Draw(image)
    for _ in range(600):
        pen.point((rng.randrange(WIDTH), rng.randrange(HEIGHT)), fill=(rng.randrange(120, 220),) * 3)
    try:
        font = ImageFont.load_default(size=44)
    except TypeError:  # Pillow built without FreeType
        font = ImageFont.load_default()
    x = 12
    for char in text:
        glyph = Image.new("RGBA", (60, 70), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((8, 4), char, font=font,
                                   fill=(rng.randrange(0, 90), rng.randrange(0, 90), rng.randrange(0, 90), 255))
        glyph = glyph.rotate(rng.uniform(-25, 25), resample=Image.Resampling.BICUBIC, expand=False)
        image.paste(glyph, (x, rng.randint(0, 12)), glyph)
        x += rng.randint(36, 42)
    for _ in range(4):
        pen.line([(rng.randrange(WIDTH), rng.randrange(HEIGHT)) for _ in range(2)],
                 fill=(rng.randrange(40, 140),) * 3, width=2)
    image = image.filter(ImageFilter.SMOOTH)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def new() -> dict:
    """GET /api/v1/pleroma/captcha: `{"type": "none"}` when disabled, else a native captcha."""
    if not settings.CAPTCHA_ENABLED:
        return {"type": "none"}
    token = base64.urlsafe_b64encode(secrets.token_bytes(10)).decode().rstrip("=")
    answer = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    png = draw(answer)
    answer_data = signing.dumps({"h": _answer_hash(token, answer), "at": int(time.time())},
                                salt=f"{SALT}:{token}", compress=True)
    return {"type": "native", "token": token,
            "url": "data:image/png;base64," + base64.b64encode(png).decode(),
            "answer_data": answer_data, "seconds_valid": seconds_valid()}


def _refuse(message: str) -> BadRequest:
    """Pleroma's registration error: the field map JSON-encoded inside `error`."""
    return BadRequest(json.dumps({"captcha": [message]}, separators=(",", ":")))


def validate(token, answer_data, solution) -> None:
    """Check a captcha answer at registration; raise 400 with Pleroma's message if wrong."""
    for name, value in (("captcha_solution", solution), ("captcha_token", token),
                        ("captcha_answer_data", answer_data)):
        if not isinstance(value, str) or not value:
            raise _refuse(f"Invalid CAPTCHA (Missing parameter: {name})")
    try:
        data = signing.loads(answer_data, salt=f"{SALT}:{token}")
        created = int(data["at"])
        expected = str(data["h"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise _refuse("Invalid answer data") from exc
    if created + seconds_valid() < time.time():
        raise _refuse("CAPTCHA expired")
    used_key = f"captcha_used:{hashlib.sha256(token.encode()).hexdigest()}"
    if cache.get(used_key):
        raise _refuse("CAPTCHA already used")
    if not hmac.compare_digest(expected, _answer_hash(token, solution)):
        raise _refuse("Invalid CAPTCHA")
    if not cache.add(used_key, 1, timeout=seconds_valid() + 60):
        raise _refuse("CAPTCHA already used")  # a concurrent registration won the race
