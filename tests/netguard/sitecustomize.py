"""Network guard for child processes the tests start (the CLI subprocess tests).

tests/conftest.py puts this directory on PYTHONPATH, so every Python child imports it at start:
a connect, sendto or name lookup to anything but loopback is refused and recorded in the file
named by CV_NETGUARD_LOG, which the test session checks when it ends.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys


def _is_loopback(host: str) -> bool:
    if host in ("localhost", "") or host.startswith("/"):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _record(what: str) -> None:
    path = os.environ.get("CV_NETGUARD_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()} {what}\n")


def _audit(event: str, args: tuple) -> None:
    if event in ("socket.connect", "socket.sendto"):
        sock, address = args[0], args[1]
        if getattr(sock, "family", None) in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple):
            if not _is_loopback(str(address[0])):
                _record(f"{event} {address}")
                raise ConnectionRefusedError(f"network guard: {event} to {address} blocked in tests")
    elif event == "socket.getaddrinfo":
        host = args[0].decode(errors="replace") if isinstance(args[0], bytes) else args[0]
        if host is not None and not _is_loopback(str(host)):
            _record(f"dns {host}")
            raise socket.gaierror(f"network guard: name lookup of {host} blocked in tests")


if os.environ.get("CV_NETGUARD_LOG"):
    sys.addaudithook(_audit)
