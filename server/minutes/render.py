"""The minutes as a PDF: one HTML template and one print stylesheet, laid out by WeasyPrint.

Pictures (photo evidence, signatures) are read from the photo store, shrunk to thumbnails
and embedded as data: URIs; the renderer's URL fetcher accepts data: URIs only, so no text
in a record can make the server fetch a file or a network address.

WeasyPrint is imported when a document is first rendered: it loads Debian's Pango, and a
server without Pango must still start, sync and serve everything but the minutes.
"""

from __future__ import annotations

import base64
import io
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from PIL import Image, UnidentifiedImageError

from server.minutes.model import Minutes, Pictures, Source, build
from server.minutes.words import Lang
from server.photos.store import read

THUMBNAIL_PIXELS = 480
"""The longest side of an embedded picture: sharp at print size, small in the file."""


@cache
def template(package: str, name: str) -> jinja2.Template:
    """A print template shipped in ``package`` (the minutes', the period report's), loaded
    once, escaping everything and refusing undefined names."""
    env = jinja2.Environment(
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True
    )
    return env.from_string(resources.files(package).joinpath(name).read_text("utf-8"))


@cache
def _stylesheet() -> Any:
    from weasyprint import CSS

    text = resources.files("server.minutes").joinpath("minutes.css").read_text("utf-8")
    return CSS(string=text, url_fetcher=data_only_fetcher())


def data_only_fetcher() -> Any:
    """Fetches data: URIs only: never a file, never the network."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"})


def thumbnail(data: bytes) -> str | None:
    """A picture as a data: URI at most THUMBNAIL_PIXELS on its longest side (PNG keeps a
    drawn signature's transparency, JPEG keeps a photo small); None when unreadable."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.thumbnail((THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
            keep_alpha = image.mode in ("RGBA", "LA", "P")
            converted = image.convert("RGBA" if keep_alpha else "RGB")
            out = io.BytesIO()
            converted.save(out, "PNG" if keep_alpha else "JPEG", quality=80)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    media_type = "image/png" if keep_alpha else "image/jpeg"
    return f"data:{media_type};base64,{base64.b64encode(out.getvalue()).decode('ascii')}"


def store_pictures(photos_dir: Path) -> Pictures:
    """Pictures from the photo store, each read and shrunk once per document."""

    @cache
    def picture(sha256: str) -> str | None:
        data = read(photos_dir, sha256)
        return None if data is None else thumbnail(data)

    return picture


def html(minutes: Minutes) -> str:
    return template("server.minutes", "template.html").render(m=minutes, t=minutes.words)


def render_pdf(source: Source, lang: Lang, pictures: Pictures) -> bytes:
    """The minutes of one inspection as an A4 PDF."""
    from weasyprint import HTML

    document = HTML(string=html(build(source, lang, pictures)), url_fetcher=data_only_fetcher())
    pdf: bytes = document.write_pdf(stylesheets=[_stylesheet()])  # no target: the bytes
    return pdf
