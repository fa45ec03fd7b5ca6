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

from automation.emulator.login import LoginPolicy
from automation.errors import UsageError

log = logging.getLogger(__name__)

emulator_app = typer.Typer(help="The Cisco IOS (IOSv / IOSvL2) CLI emulator.", no_args_is_help=True)


PASSWORD_ENV = "MASTERTECH_PASSWORD"
ENABLE_ENV = "MASTERTECH_ENABLE_SECRET"


def _read_secret_file(option: str, path: Path) -> str:
    """The first line of a secret file (a trailing newline is not part of the secret)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read {option} {path}: {exc.strerror}") from exc
    secret = text.splitlines()[0] if text else ""
    if not secret:
        raise UsageError(f"{option} {path} is empty; put the secret on its first line")
    return secret


def _secret(name: str, env: str, given: str | None, file: Path | None) -> str | None:
    """A secret from its file, else the command line (with a warning), else the environment."""
    if file is not None and given is not None:
        raise UsageError(f"give --{name} or --{name}-file, not both")
    if file is not None:
        return _read_secret_file(f"--{name}-file", file)
    if given is not None:
        typer.echo(
            f"warning: --{name} is visible to every user in the process list; "
            f"use ${env} or --{name}-file instead",
            err=True,
        )
        return given
    return os.environ.get(env) or None


@emulator_app.command("serve")
def serve(
    hostname: Annotated[str, typer.Option(help="Device hostname (also its prompt).")],
    kind: Annotated[str, typer.Option(help="router (IOSv) or switch (IOSvL2).")] = "router",
    port: Annotated[int, typer.Option(help="SSH port to listen on.")] = 2222,
    username: Annotated[str, typer.Option(help="Privilege-15 user of the day-0 config.")] = "admin",
    password_file: Annotated[
        Path | None,
        typer.Option(help=f"File whose first line is that user's password (else ${PASSWORD_ENV})."),
    ] = None,
    password: Annotated[
        str | None,
        typer.Option(
            help="The password itself: visible in the process list, prefer the file or env.", hidden=True
        ),
    ] = None,
    config: Annotated[
        Path | None, typer.Option(help="Day-0 config file, used when the state dir has no startup-config.")
    ] = None,
    enable_secret_file: Annotated[
        Path | None, typer.Option(help=f"File whose first line is the enable secret (else ${ENABLE_ENV}).")
    ] = None,
    enable_secret: Annotated[
        str | None,
        typer.Option(help="The enable secret itself: visible in the process list.", hidden=True),
    ] = None,
    state_dir: Annotated[
        Path | None,
        typer.Option(help="Where startup-config and host key live (default: ./.emulator/HOSTNAME)."),
    ] = None,
    address: Annotated[str, typer.Option(help="Loopback address to listen on (127.0.0.0/8).")] = "127.0.0.1",
    block_attempts: Annotated[
        int, typer.Option(help="`login block-for`: this many failed logins ...", min=1)
    ] = LoginPolicy.attempts,
    block_within: Annotated[
        float, typer.Option(help="... within this many seconds ...", min=0.001)
    ] = LoginPolicy.within,
    block_for: Annotated[
        float, typer.Option(help="... refuse every login for this many seconds.", min=0)
    ] = LoginPolicy.block_for,
    auth_retries: Annotated[
        int, typer.Option(help="Failed attempts before a connection is dropped.", min=1)
    ] = LoginPolicy.per_connection,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log sessions and logins.")] = False,
    console_port: Annotated[
        int | None, typer.Option(help="Also serve the console line over telnet on this port.")
    ] = None,
    first_boot: Annotated[
        bool,
        typer.Option(
            "--first-boot",
            help="Boot as a fresh IOSv: the console plays the setup dialogue; needs --console-port.",
        ),
    ] = False,
) -> None:
    """Serve one device over SSH on ADDRESS:PORT until interrupted.

    The user's password comes from --password-file or $MASTERTECH_PASSWORD (the enable secret from
    --enable-secret-file or $MASTERTECH_ENABLE_SECRET), never needing the command line.
    """
    from automation.emulator.console import Console
    from automation.emulator.device import DeviceSpec, day0_config
    from automation.emulator.modes import valid_hostname
    from automation.emulator.server import EmulatorServer

    if kind not in ("router", "switch"):
        raise UsageError(f"--kind must be router or switch, not {kind!r}")
    if not valid_hostname(hostname):
        raise UsageError(
            f"--hostname {hostname!r} is not an IOS hostname: a letter first, a letter or digit last, "
            "letters, digits and hyphens only, at most 63 characters"
        )
    if not address.startswith("127."):
        raise UsageError(f"--address must be on 127.0.0.0/8 (loopback), not {address}")
    secret = _secret("password", PASSWORD_ENV, password, password_file)
    enable = _secret("enable-secret", ENABLE_ENV, enable_secret, enable_secret_file)
    if first_boot and console_port is None:
        raise UsageError("--first-boot needs --console-port: a fresh device is configured on its console")
    if first_boot:
        day0: str | None = None
    elif config is not None:
        try:
            day0 = config.read_text()
        except OSError as exc:
            raise UsageError(f"cannot read --config {config}: {exc.strerror}") from exc
    elif secret:
        day0 = day0_config(hostname, username, secret, enable_secret=enable)
    else:
        raise UsageError(
            f"no password: set {PASSWORD_ENV}, give --password-file, or pass a --config with a username line"
        )
    policy = LoginPolicy(
        attempts=block_attempts, within=block_within, block_for=block_for, per_connection=auth_retries
    )
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
        login_policy=policy,
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
            console = None
            if console_port is not None:
                console = Console(host.device, first_boot=first_boot)
                await console.start(address, console_port)
                typer.echo(f"{hostname} console (telnet) on {address}:{console.port}", err=True)
            try:
                await stop.wait()
            finally:
                if console is not None:
                    await console.stop()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())


def register(app: typer.Typer) -> None:
    app.add_typer(emulator_app, name="emulator")
