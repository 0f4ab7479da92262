#!/usr/bin/env python3
"""TLS in front of the LER services, for the conformance harness only (loopback only).

Why: the data-model suite sends requests to plain http:// endpoints with its own minimal
client, which drops the endpoint's headers (our issuer's Bearer token); over https:// it uses
`vc-test-suite-implementations`, which sends them. The harness uses this proxy for every
suite, so that one configuration fits all and every exchange is logged for the reports.

The issuer's public URL is this proxy (https://localhost:TLS_PORT; services.sh starts it with
the services): the W3C vc-bitstring-status-list suite fetches status lists over https only,
and did:web means https. Our own verifier and wallet, run by `ler up` with plain http to
localhost allowed, fetch such an https://localhost URL as http:// on the same port
(servicekit.outbound.local_demo_url), so each port here speaks both: a connection whose first
byte is a TLS handshake record (0x16) gets TLS, any other plain HTTP.

This is a small HTTP/1.1 reverse proxy: it accepts TLS on 127.0.0.1:TLS_PORT, forwards each
request unchanged to http://127.0.0.1:BACKEND_PORT and returns the answer unchanged. With
--log FILE it appends one JSON line per exchange (time, port, method, path, request body,
status, response body; the Authorization header is never logged), so that the harness can
show, for every failing test, what was sent and what our service answered.

    tls_proxy.py --cert C --key K [--log FILE] 9441=9101 9443=9103
"""

from __future__ import annotations

import argparse
import http.client
import json
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOST = "127.0.0.1"
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "proxy-authorization",
    "proxy-authenticate",
}
_log_lock = threading.Lock()


def _text(body: bytes, limit: int = 20000) -> str:
    text = body.decode("utf-8", "replace")
    return text if len(text) <= limit else text[:limit] + f"...[{len(text) - limit} more chars]"


def make_handler(
    backend_port: int, front_port: int, log_file: str | None
) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

        def _read_body(self) -> bytes:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                chunks = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass
                        break
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
                return b"".join(chunks)
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _forward(self) -> None:
            started = time.time()
            body = self._read_body()
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            if body or self.command in ("POST", "PUT", "PATCH"):
                headers["Content-Length"] = str(len(body))
            try:
                conn = http.client.HTTPConnection(HOST, backend_port, timeout=120)
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                status, reason, resp_headers = resp.status, resp.reason, resp.getheaders()
                conn.close()
            except OSError as exc:
                data = json.dumps({"proxy-error": str(exc)}).encode()
                status, reason = 502, "Bad Gateway"
                resp_headers = [("Content-Type", "application/json")]
            self.send_response(status, reason)
            for key, value in resp_headers:
                if key.lower() not in HOP_BY_HOP and key.lower() != "content-length":
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
            if log_file:
                entry = {
                    "start": started,
                    "end": time.time(),
                    "port": front_port,
                    "method": self.command,
                    "path": self.path,
                    "request": _text(body),
                    "status": status,
                    "response": _text(data),
                    "auth": "Authorization" in self.headers,
                }
                with _log_lock, open(log_file, "a", encoding="utf-8") as out:
                    out.write(json.dumps(entry) + "\n")

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _forward

    return Handler


TLS_HANDSHAKE = 0x16  # the first byte of a TLS record carrying a ClientHello


class TlsOrPlainServer(ThreadingHTTPServer):
    """Accepts TLS and plain HTTP on one port, told apart by the connection's first byte."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type, context: ssl.SSLContext) -> None:
        super().__init__(address, handler)
        self.context = context

    def get_request(self) -> tuple[socket.socket, object]:
        conn, address = self.socket.accept()
        conn.settimeout(30)
        try:
            first = conn.recv(1, socket.MSG_PEEK)
        except OSError:
            first = b""
        if first and first[0] == TLS_HANDSHAKE:
            conn = self.context.wrap_socket(conn, server_side=True)
        conn.settimeout(None)
        return conn, address

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a failed handshake or a dropped connection: nothing to report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--log", help="append one JSON line per exchange here")
    parser.add_argument("mappings", nargs="+", help="TLS_PORT=BACKEND_PORT")
    args = parser.parse_args()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)
    threads = []
    for mapping in args.mappings:
        front, back = (int(p) for p in mapping.split("="))
        server = TlsOrPlainServer((HOST, front), make_handler(back, front, args.log), context)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        threads.append(thread)
        print(f"https://localhost:{front} (and http) -> http://localhost:{back}", flush=True)
    try:
        for thread in threads:
            thread.join()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
