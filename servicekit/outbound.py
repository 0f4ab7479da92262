"""The one outbound policy of every service: what it may reach on the network.

The operator decides (``OutboundPolicy``); by default only public https hosts:

- https only; plain http only to loopback, and only with ``allow_http_localhost`` (the
  local demo, off by default: ``ler up`` turns it on; see ``OutboundPolicy`` for its
  https-to-loopback downgrade);
- only well-formed URLs (``check_url``: no bad IPv6 literal, port out of range, bad IDNA
  label, control character or credentials);
- no host that resolves to a private, loopback, link-local or reserved address unless
  ``allow_private`` (a service must not become a probe of its own network), and, once
  connected, the address actually connected to is checked again (``check_peer``: DNS
  rebinding);
- :mod:`servicekit.fetching` adds: no redirects, at most ``max_bytes``, ``timeout`` seconds
  in all (connect, TLS, headers and body together).

The errors, one tree::

    OutboundError          a fetch gave nothing usable; its message is safe to show
    ├── OutboundRefused    the policy refused the URL before any connection; says why
    └── NoUsableAnswer     whatever went wrong once the network was tried (no connection,
                           a timeout, a status, a limit, a refused peer) reads the same,
                           "<url> gave no usable answer": what an address answered is
                           not told to whoever asked (``reason`` has it, for the log)

Its users: the verifier's ``verifier.checking.fetch`` and :mod:`servicekit.http_client` (the
wallet's and the issuer's outbound client).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

import httpx

MAX_URL_CHARS = 4096


class OutboundError(Exception):
    """A fetch gave nothing usable; the message is safe to show to whoever asked."""


class OutboundRefused(OutboundError):
    """The policy does not allow this URL (nothing was sent)."""


class NoUsableAnswer(OutboundError):
    """The network was tried and gave nothing usable; ``reason`` says what happened (for the
    log only: the message is the same whatever the address answered)."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{shown(url)} gave no usable answer")
        self.url = url
        self.reason = reason


def shown(url: str) -> str:
    """``url`` as it may appear in a message: at most 200 characters, no control characters."""
    clean = "".join(c if c.isprintable() else "?" for c in url[:200])
    return clean + ("..." if len(url) > 200 else "")


@dataclass(frozen=True)
class OutboundPolicy:
    """What a service may reach.

    ``allow_http_localhost`` is a local-demo affordance: plain http is allowed to
    ``localhost``, ``127.0.0.1`` and ``[::1]`` (and the connection must then go to a
    loopback address), and an *https* URL naming one of those hosts is fetched over plain
    http, same host, port and path (no port: http's 80). That is what lets ``ler up``'s
    issuer, whose DIDs are ``did:web:localhost%3A8001:issuers:<slug>`` (did:web always
    means https) but which speaks plain http, be verified on one machine. It never
    applies to any other host, whatever it resolves to. ``allow_private`` lets fetches
    reach private, loopback and link-local addresses.
    """

    allow_http_localhost: bool = False
    allow_private: bool = False
    max_bytes: int = 1024 * 1024
    timeout: float = 5.0


_LOCAL_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}


def _check_host(url: str, host: str, policy: OutboundPolicy) -> None:
    if policy.allow_private:
        return
    try:
        infos = socket.getaddrinfo(host, None)
    except (OSError, UnicodeError) as exc:
        raise NoUsableAnswer(url, f"cannot resolve host {host!r}: {exc}") from None
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not address.is_global:
            raise OutboundRefused(
                f"{shown(url)} is not fetched: {host} is not a public address (this service "
                "fetches from public https hosts only)"
            )


def _parse(url: str) -> SplitResult:
    """``url`` split, or OutboundRefused when it is not a URL an HTTP client can use."""
    if not isinstance(url, str) or not url:
        raise OutboundRefused("no URL to fetch")
    if len(url) > MAX_URL_CHARS:
        raise OutboundRefused(f"the URL is longer than {MAX_URL_CHARS} characters")
    if not url.isprintable() or " " in url:
        raise OutboundRefused(f"{shown(url)} is not a URL: it has spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port  # ValueError: not a number, or out of range
        httpx.URL(url)  # the client's own reading: IDNA labels, characters
        (parts.hostname or "").encode("idna")  # what the resolver does: label lengths
    except (ValueError, UnicodeError, httpx.InvalidURL):
        raise OutboundRefused(f"{shown(url)} is not a URL that can be fetched") from None
    if port == 0:
        raise OutboundRefused(f"{shown(url)} is not a URL that can be fetched (port 0)")
    if parts.username is not None or parts.password is not None:
        raise OutboundRefused(f"URLs with credentials are refused: {shown(url)}")
    return parts


def _plain_http_to_loopback(url: str, policy: OutboundPolicy) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return (
        parts.scheme == "http"
        and policy.allow_http_localhost
        and (parts.hostname or "") in _LOCAL_NAMES
    )


def local_demo_url(url: str, policy: OutboundPolicy) -> str:
    """``url`` as it will be fetched: with ``allow_http_localhost``, an https URL whose host
    is localhost / 127.0.0.1 / [::1] becomes plain http (see ``OutboundPolicy``); any other
    URL is unchanged (a URL that cannot be read too: ``check_url`` refuses it next)."""
    try:
        parts = urlsplit(url)
    except (ValueError, TypeError):
        return url
    if (
        policy.allow_http_localhost
        and parts.scheme == "https"
        and (parts.hostname or "") in _LOCAL_NAMES
    ):
        return parts._replace(scheme="http").geturl()
    return url


def check_url(url: str, policy: OutboundPolicy) -> None:
    """Raise ``OutboundRefused`` unless ``policy`` allows fetching ``url`` (``NoUsableAnswer``
    when its host name does not resolve)."""
    parts = _parse(url)
    host = parts.hostname or ""
    if _plain_http_to_loopback(url, policy):
        return
    if parts.scheme != "https":
        raise OutboundRefused(f"only https URLs may be fetched, not {shown(url)}")
    if not host:
        raise OutboundRefused(f"no host in {shown(url)}")
    _check_host(url, host, policy)


def check_peer(url: str, peer: object, policy: OutboundPolicy) -> None:
    """Raise ``NoUsableAnswer`` unless ``policy`` allows the address the fetch of ``url``
    actually connected to (``peer``: a socket address tuple, or None when unknown).

    The address must be public; for plain http to loopback (``allow_http_localhost``) it
    must be a loopback address; with ``allow_private`` anything goes.
    """
    if policy.allow_private:
        return
    host = peer[0] if isinstance(peer, tuple) and peer else None
    try:
        address = ipaddress.ip_address(host) if isinstance(host, str) else None
    except ValueError:
        address = None
    if address is None:
        raise NoUsableAnswer(url, "the address connected to is unknown")
    if _plain_http_to_loopback(url, policy):
        if not address.is_loopback:
            raise NoUsableAnswer(url, f"connected to {address}, not to loopback")
        return
    if not address.is_global:
        raise NoUsableAnswer(url, f"connected to a non-public address ({address})")


def peer_of(response: httpx.Response) -> object:
    stream = response.extensions.get("network_stream")
    return stream.get_extra_info("server_addr") if stream is not None else None
