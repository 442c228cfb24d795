"""Photo upload and download, addressed by the SHA-256 of the bytes."""

from __future__ import annotations

from typing import Annotated

from litestar import Response, Router, get, head, put
from litestar.params import PathParameter, RawBody

from server.auth.middleware import AuthedRequest, require_role
from server.deps import Config, Db
from server.errors import ErrorCode
from server.openapi import BODY, api
from server.photos import replica, store
from server.settings import Settings

Sha256 = Annotated[str, PathParameter(pattern="^[0-9a-f]{64}$", description="SHA-256, hex")]


@put(
    "/{sha256:str}",
    **api(
        *BODY,
        ErrorCode.FORBIDDEN_ROLE,
        ErrorCode.PHOTO_HASH_MISMATCH,
        ErrorCode.PHOTO_TYPE,
        also={
            200: "The server already had this photo.",
            201: "Stored: the server did not have this photo yet.",
        },
        raw_body=(("image/jpeg", "image/png", "image/webp"), "The photo's bytes."),
    ),
    guards=[require_role("inspector", "facility", "admin")],
    sync_to_thread=True,
    summary="Upload a photo",
    description="Store a JPEG, PNG or WebP photo under the SHA-256 of its bytes: 201 when"
    " new, 200 when the server already had it (so an interrupted upload is simply sent"
    " again). The type is read from the bytes, not the name; a hash that does not match is"
    " refused (photo.hash_mismatch). Inspectors upload evidence and signatures, facilities"
    " photos of a fix they report; only the uploader sees a photo until a record cites it.",
)
def upload_photo(
    request: AuthedRequest,
    db: Db,
    settings: Config,
    sha256: Sha256,
    body: RawBody,
) -> Response[None]:
    created = store.save(db, settings.photos_dir, sha256, body, request.user.user_id)
    replica.copy_after_upload(settings, sha256)  # also when it was there: a missed copy
    return Response(None, status_code=201 if created else 200)


@head(
    "/{sha256:str}",
    **api(ErrorCode.BAD_REQUEST, ErrorCode.PHOTO_NOT_FOUND, ErrorCode.FORBIDDEN_SCOPE),
    sync_to_thread=True,
    summary="Does the server have this photo",
    description="200 when the photo was received, 404 when it still has to be uploaded;"
    " 403 (access.scope) like a download, for a photo the caller may not see.",
)
def has_photo(request: AuthedRequest, db: Db, sha256: Sha256) -> None:
    store.visible_type(db, request.user, sha256)


@get(
    "/{sha256:str}",
    **api(ErrorCode.BAD_REQUEST, ErrorCode.PHOTO_NOT_FOUND, ErrorCode.FORBIDDEN_SCOPE),
    sync_to_thread=True,
    summary="Download a photo",
    description="The photo's bytes, for its uploader, an admin, or whoever may see an"
    " inspection citing it. Cached for a long time: the address is the content.",
    media_type="image/*",
    response_description="The photo: image/jpeg, image/png or image/webp.",
)
def get_photo(request: AuthedRequest, db: Db, settings: Config, sha256: Sha256) -> Response[bytes]:
    data, media_type = store.load_for(db, settings.photos_dir, request.user, sha256)
    return Response(
        data,
        media_type=media_type,
        headers={"Cache-Control": "private, max-age=31536000, immutable"},
    )


def photo_router(settings: Settings) -> Router:
    """Photos are larger than other requests, so their size limit is their own."""
    return Router(
        path="/api/photos",
        route_handlers=[upload_photo, has_photo, get_photo],
        tags=["photos"],
        request_max_body_size=settings.photo_max_bytes,
    )
