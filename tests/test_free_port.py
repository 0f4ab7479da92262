"""``tests.processes.free_port`` never gives one port twice in a run: the processes a test
creates together bind only after all their ports are chosen."""

from __future__ import annotations

from tests.processes import free_port


def test_ports_chosen_one_after_another_are_all_different() -> None:
    ports = [free_port() for _ in range(2000)]  # bind(0) alone repeats within a few thousand
    assert len(set(ports)) == len(ports)
