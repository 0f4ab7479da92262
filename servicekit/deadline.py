"""One deadline for a whole fetch: connect, TLS, request, headers and body together.

An HTTP client's own timeouts bound each single wait (one connect, one read), so a host that
sends one byte a second -- in its headers or its body -- holds a fetch as long as it likes.
:class:`DeadlineTransport` gives every socket operation of one fetch only what is left of
one monotonic deadline; once it has passed, the next wait fails at once (a timeout). It
never follows proxies from the environment: what is connected to is what the policy checked.
"""

from __future__ import annotations

import functools
import ssl
import time
import typing

import httpcore
import httpx

_Timeout = float | None


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every wait ends by the deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: float) -> None:
        self._inner = inner
        self._deadline = deadline

    def _left(self, timeout: _Timeout, error: type[Exception]) -> float:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise error("the fetch's deadline has passed")
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: _Timeout = None) -> bytes:
        return self._inner.read(max_bytes, self._left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: _Timeout = None) -> None:
        self._inner.write(buffer, self._left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: _Timeout = None,
    ) -> httpcore.NetworkStream:
        left = self._left(timeout, httpcore.ConnectTimeout)
        inner = self._inner.start_tls(ssl_context, server_hostname, left)
        return _DeadlineStream(inner, self._deadline)

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, deadline: float) -> None:
        self._inner = httpcore.SyncBackend()
        self._deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: _Timeout = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise httpcore.ConnectTimeout("the fetch's deadline has passed")
        wait = left if timeout is None else min(timeout, left)
        inner = self._inner.connect_tcp(host, port, wait, local_address, socket_options)
        return _DeadlineStream(inner, self._deadline)

    def connect_unix_socket(
        self,
        path: str,
        timeout: _Timeout = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


@functools.cache
def shared_ssl_context() -> ssl.SSLContext:
    """httpx's default TLS context (no proxies or CA paths from the environment), built once
    per process: loading the CA bundle costs tens of milliseconds of CPU, and a verifier under
    load was spending a tenth of its time doing it once per fetch. A context is safe to
    share between connections and threads."""
    return httpx.create_ssl_context(trust_env=False)


class DeadlineTransport(httpx.HTTPTransport):
    """httpx's own transport, its connections bound by one ``deadline`` (``time.monotonic``)."""

    def __init__(self, deadline: float) -> None:
        super().__init__(verify=shared_ssl_context(), trust_env=False)
        # httpx builds its connection pool without a way to pass a network backend; this
        # one is httpx's default pool with the deadline backend (tests/servicekit pin it)
        self._pool = httpcore.ConnectionPool(
            ssl_context=shared_ssl_context(),
            network_backend=_DeadlineBackend(deadline),
        )
