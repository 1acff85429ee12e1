"""`ownstream --workers N`: this process runs as the media process, binds the site's HTTP port and hands
it to N web processes it supervises (cluster/workers.py).

The media process's own HTTP listener is internal: loopback, an ephemeral port, no per-address cap (every
forwarded `/hls/` request comes from a worker on 127.0.0.1), and loopback trusted as a proxy, so the
client address a worker forwards is the one the media process counts and logs.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import signal
import socket
from collections.abc import Sequence
from dataclasses import replace

from ownstream.app import ListenOverride, Ownstream
from ownstream.cluster.workers import WorkerSupervisor
from ownstream.logsetup import LoggingSetup
from ownstream.settings import Settings
from ownstream.startup import StartupError, bind_error

log = logging.getLogger("ownstream")

LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))
LISTEN_BACKLOG = 1024


def bind_exclusively(host: str, port: int) -> socket.socket:
    """The site's listening socket, bound by this process alone (no `SO_REUSEPORT`): a port another
    program holds fails here, with `bind_error`'s line."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family, backlog=LISTEN_BACKLOG, reuse_port=False)
    except OSError as error:
        raise bind_error("HTTP", host, port, error) from None


async def serve_with_workers(settings: Settings, logs: LoggingSetup, arguments: Sequence[str]) -> int:
    media_settings = replace(settings, role="media", trusted_proxies=(*settings.trusted_proxies, *LOOPBACK))
    server = Ownstream(
        media_settings,
        log_buffer=logs.buffer,
        log_safety=logs.safety,
        listen=ListenOverride(web_host="127.0.0.1", web_port=0, web_uncapped=True),
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await server.start()
    except (StartupError, OSError) as error:
        log.error("could not start: %s", error)
        return 1
    assert server.services is not None and server.cluster is not None
    current = server.services.config.current
    try:
        listener = bind_exclusively(current.web_server_ip, current.web_server_port)
    except StartupError as error:
        log.error("could not start: %s", error)
        await server.stop()
        return 1
    supervisor = WorkerSupervisor(
        count=settings.workers,
        first_slot=settings.process_slot + 1,
        arguments=arguments,
        media_url=f"http://127.0.0.1:{server.web_port}",
        listen_fd=listener.fileno(),
        log_root=settings.logs_path,
        worker_gone=server.cluster.forget,
    )
    supervisor.start()
    log.info(
        "serving http://%s:%d with %d web workers",
        current.web_server_ip,
        current.web_server_port,
        settings.workers,
    )
    await stop.wait()
    log.info("shutting down")
    await supervisor.stop()
    listener.close()
    await server.stop()
    return 0
