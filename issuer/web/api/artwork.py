"""An achievement's image: public bytes, and setting it (API token).

``GET  /issuers/<issuer>/achievements/<slug>/image``          the image (PNG or SVG), public
``PUT  /issuers/<issuer>/achievements/<slug>/image``          body: the PNG or SVG bytes
``POST /issuers/<issuer>/achievements/<slug>/image/generated`` the generated badge instead

The image is answered with its own media type, ``nosniff`` and a Content-Security-Policy
that runs nothing (``sandbox``, no script), so even an SVG opened on its own cannot act.
A refused upload is a problem+json: 413 too large, 415 not PNG or SVG, 422 unsafe or broken
(:mod:`issuer.artwork.checks`).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from issuer.artwork import images
from issuer.artwork.checks import MEDIA_TYPES, ImageRefusedError
from issuer.web.deps import InstallationDep, TokenDep
from servicekit.json_route import RawBody, api_router, declared_body
from servicekit.problems import Problem

router = api_router(tags=["Catalogue"])

IMAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
IMAGE_BODY = declared_body(
    {media: {"schema": {"type": "string", "format": "binary"}} for media in MEDIA_TYPES.values()},
    description="the PNG or SVG (sniffed from the bytes; at most 64 KiB)",
)


def refused(exc: ImageRefusedError) -> Problem:
    titles = {413: "Image too large", 415: "Not a PNG or SVG image"}
    return Problem(exc.status, titles.get(exc.status, "Image refused"), str(exc), exc.code)


def described(record: images.ImageRecord, url: str) -> dict[str, Any]:
    return {
        "url": url,
        "mediaType": record.media_type,
        "bytes": len(record.data),
        "digest": record.digest,
        "caption": record.caption,
        "source": record.source,
    }


@router.get(
    "/issuers/{slug}/achievements/{achievement}/image",
    summary="The achievement's image (PNG or SVG)",
    responses={200: {"content": {"image/png": {}, "image/svg+xml": {}}}},
)
def image(slug: str, achievement: str, request: Request, inst: InstallationDep) -> Response:
    record = images.image_of(inst, slug, achievement)
    etag = f'"{record.digest}"'
    headers = {
        "ETag": etag,
        "Cache-Control": "public, max-age=300",
        "Content-Security-Policy": IMAGE_CSP,
        "X-Content-Type-Options": "nosniff",
    }
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(record.data, media_type=record.media_type, headers=headers)


@router.put(
    "/issuers/{slug}/achievements/{achievement}/image",
    summary="Set the achievement's image: credentials issued afterwards carry it",
    openapi_extra=IMAGE_BODY,
)
def put_image(
    slug: str, achievement: str, request: Request, inst: InstallationDep, _: TokenDep, raw: RawBody
) -> Response:
    caption = request.query_params.get("caption", "")
    try:
        record = images.upload(inst, slug, achievement, raw, caption)
    except ImageRefusedError as exc:
        raise refused(exc) from None
    return JSONResponse(described(record, str(request.url.remove_query_params("caption"))))


@router.post(
    "/issuers/{slug}/achievements/{achievement}/image/generated",
    summary="Give the achievement the generated badge (its name on a disc)",
)
def generate_image(
    slug: str, achievement: str, request: Request, inst: InstallationDep, _: TokenDep
) -> Response:
    record = images.generate(inst, slug, achievement)
    url = str(request.url).removesuffix("/generated")
    return JSONResponse(described(record, url))
