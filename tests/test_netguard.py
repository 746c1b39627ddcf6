"""The offline guard itself: the tests can only prove "no code path downloads" if the guard has
no gaps (UDP sends, child processes)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import conftest
import pytest


def test_udp_sendto_to_the_internet_is_blocked_in_process():
    before = len(conftest._blocked)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        with pytest.raises(ConnectionRefusedError, match="network guard"):
            sock.sendto(b"x", ("203.0.113.9", 53))  # TEST-NET-3: never routable
    finally:
        sock.close()
    assert any("203.0.113.9" in x for x in conftest._blocked[before:])
    del conftest._blocked[before:]  # expected here; any other attempt still fails its test


def test_a_child_process_is_guarded_and_reports_its_attempts(tmp_path):
    log = tmp_path / "child.log"
    code = (
        "import socket\n"
        "s = socket.socket()\n"
        "try:\n"
        "    s.connect(('203.0.113.9', 443))\n"
        "except ConnectionRefusedError as e:\n"
        "    print('refused:', e)\n"
    )
    env = {**os.environ, "CV_NETGUARD_LOG": str(log)}  # its own log, not the session's
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert "refused: network guard" in out.stdout, out.stderr
    assert "203.0.113.9" in log.read_text(encoding="utf-8")


def test_loopback_stays_allowed_for_the_web_tests():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.socket()
    try:
        client.connect(server.getsockname())
    finally:
        client.close()
        server.close()
