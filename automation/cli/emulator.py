"""`mastertech emulator serve`: one emulated IOS device in the foreground, until Ctrl-C."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from pathlib import Path
from typing import Annotated

import typer

from automation.errors import UsageError

log = logging.getLogger(__name__)

emulator_app = typer.Typer(help="The Cisco IOS (IOSv / IOSvL2) CLI emulator.", no_args_is_help=True)


@emulator_app.command("serve")
def serve(
    hostname: Annotated[str, typer.Option(help="Device hostname (also its prompt).")],
    kind: Annotated[str, typer.Option(help="router (IOSv) or switch (IOSvL2).")] = "router",
    port: Annotated[int, typer.Option(help="SSH port to listen on.")] = 2222,
    username: Annotated[str, typer.Option(help="Privilege-15 user of the day-0 config.")] = "admin",
    password: Annotated[
        str | None,
        typer.Option(help="Password of that user (default: env MASTERTECH_PASSWORD).", show_default=False),
    ] = None,
    config: Annotated[
        Path | None, typer.Option(help="Day-0 config file, used when the state dir has no startup-config.")
    ] = None,
    enable_secret: Annotated[str | None, typer.Option(help="Enable secret of the day-0 config.")] = None,
    state_dir: Annotated[
        Path | None,
        typer.Option(help="Where startup-config and host key live (default: ./.emulator/HOSTNAME)."),
    ] = None,
    address: Annotated[str, typer.Option(help="Loopback address to listen on (127.0.0.0/8).")] = "127.0.0.1",
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log sessions and logins.")] = False,
) -> None:
    """Serve one device over SSH on ADDRESS:PORT until interrupted."""
    from automation.emulator.device import DeviceSpec, day0_config
    from automation.emulator.server import EmulatorServer

    if kind not in ("router", "switch"):
        raise UsageError(f"--kind must be router or switch, not {kind!r}")
    if not address.startswith("127."):
        raise UsageError(f"--address must be on 127.0.0.0/8 (loopback), not {address}")
    secret = password if password is not None else os.environ.get("MASTERTECH_PASSWORD")
    if config is not None:
        try:
            day0 = config.read_text()
        except OSError as exc:
            raise UsageError(f"cannot read --config {config}: {exc.strerror}") from exc
    elif secret:
        day0 = day0_config(hostname, username, secret, enable_secret=enable_secret)
    else:
        raise UsageError("give --password, set MASTERTECH_PASSWORD, or pass a --config with a username line")
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    spec = DeviceSpec(
        hostname=hostname,
        kind=kind,  # type: ignore[arg-type]
        state_dir=state_dir or Path(".emulator") / hostname,
        address=address,
        port=port,
        day0_config=day0,
    )

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        async with EmulatorServer([spec]) as server:
            host = server.hosts[hostname]
            typer.echo(
                f"{hostname} ({kind}) listening on {host.address}:{host.port}; Ctrl-C stops it", err=True
            )
            await stop.wait()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())


def register(app: typer.Typer) -> None:
    app.add_typer(emulator_app, name="emulator")
