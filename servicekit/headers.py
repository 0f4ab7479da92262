"""The security headers on every answer of every service: :class:`SecurityHeaders`.

One ASGI middleware, added by the one app factory (:func:`servicekit.app.service_app`), so a
page, an API answer, a problem+json, a 404 and a stylesheet all carry the same headers:

``Content-Security-Policy``      only this origin's scripts, styles and images (and ``data:``
                                 images: QR codes, baked badges); no inline script or style
                                 (the pages' stylesheets are files, :mod:`servicekit.assets`),
                                 no plugins, no framing, forms post only here
``X-Content-Type-Options``       ``nosniff``
``Referrer-Policy``              ``no-referrer``: a share link or an offer in the address bar
                                 never travels to another site
``X-Frame-Options``              ``DENY`` (and ``frame-ancestors 'none'``)
``Permissions-Policy``           no camera, microphone, location, payment, USB
``Cross-Origin-Opener-Policy``   ``same-origin``
``Strict-Transport-Security``    only on an answer served over https (the local demo speaks
                                 plain http, where it would mean nothing)

They replace any header of the same name a route set itself: no page weakens them.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = ("Strict-Transport-Security", "max-age=31536000")
_CSP = b"content-security-policy"


def with_form_action(*sources: str) -> dict[str, str]:
    """The headers of a page whose form leads to another site (an OAuth consent answered back
    to the client, a form that starts a flow at a host the visitor names): the policy above
    with ``form-action`` widened to ``sources``. Browsers check ``form-action`` on every
    redirect a form submission follows, so without it the redirect is blocked. A response that
    sets its own policy keeps it (:class:`SecurityHeaders`)."""
    widened = " ".join(("'self'", *sources))
    return {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY.replace(
            "form-action 'self'", f"form-action {widened}"
        )
    }


ANY_SITE = ("https:", "http://localhost:*", "http://127.0.0.1:*")
"""``form-action`` sources for a form whose redirect goes to a host the visitor names: any
https site, and plain http on this machine (the local demo)."""
"""Sent only over https."""


class SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` (and, over https, :data:`HSTS`) to every answer; an
    answer that sets its own ``Content-Security-Policy`` (:func:`with_form_action`) keeps it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._headers = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
        self._hsts = (HSTS[0].lower().encode(), HSTS[1].encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self._headers + ([self._hsts] if scope.get("scheme") == "https" else [])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                own_csp = [(k, v) for k, v in headers if k.lower() == _CSP]
                added = [(k, v) for k, v in extra if not (own_csp and k == _CSP)]
                ours = {name for name, _ in added}
                kept = [(k, v) for k, v in headers if k.lower() not in ours]
                message = {**message, "headers": kept + added}
            await send(message)

        await self.app(scope, receive, send_with_headers)
