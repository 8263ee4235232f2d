"""Waking a thread that is blocked reading one of the engine's endless streams (events, logs, pulls).

The docker SDK's own ``CancellableStream.close()`` refuses streams that run over ssh://
("not supported for the SSH protocol"), and a blocked read would then wait for the
engine's next byte, perhaps for ever. Shutting the socket down, or ending the ssh
process that carries the connection, ends the read at once.
"""

from __future__ import annotations

import contextlib
import logging
import socket
from typing import Any

import requests

log = logging.getLogger(__name__)


def interrupt_response(response: requests.Response) -> None:
    """End reads of ``response`` from any thread (the reader closes it); harmless when it is closed already."""
    try:
        reader: Any = response.raw._fp.fp  # type: ignore[union-attr]
    except AttributeError:
        reader = None
    carrier = getattr(reader, "channel", None)  # the ssh transport's socket stand-in
    if carrier is not None:
        with contextlib.suppress(Exception):
            carrier.close()  # ends the ssh process: its output, our read, ends with it
    else:
        sock = getattr(getattr(reader, "raw", None), "_sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


def close_stream(stream: Any) -> None:
    """Close a docker SDK stream (a CancellableStream, or a plain generator) and wake its reader."""
    response = getattr(stream, "_response", None)
    if isinstance(response, requests.Response):
        interrupt_response(response)
        with contextlib.suppress(Exception):
            response.close()
        return
    try:
        stream.close()
    except Exception:
        log.debug("closing a stream failed", exc_info=True)
