"""``ler up``'s port check (``ler.ports.busy_ports``) answers what the servers will meet:
a port someone listens on is busy; a port whose last connections are still in TIME_WAIT is
not (the servers bind with SO_REUSEADDR, so they start; the check used to refuse them, and a
``ler up`` right after another stopped said its ports were in use)."""

from __future__ import annotations

import socket

from ler.ports import busy_ports


def test_a_port_with_a_listener_is_busy() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert busy_ports("127.0.0.1", {"wallet": port}) == [("wallet", port)]


def test_a_port_left_in_time_wait_is_free_for_the_servers() -> None:
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        client = socket.create_connection(("127.0.0.1", port))
        accepted, _ = listener.accept()
        accepted.close()  # the server closes first: its side of the port waits in TIME_WAIT
        client.recv(1)
        client.close()
    assert busy_ports("127.0.0.1", {"wallet": port}) == []
    with socket.socket() as server:  # as uvicorn binds: and it can
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", port))
