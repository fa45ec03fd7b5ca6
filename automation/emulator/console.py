"""The device's console line over telnet, as GNS3 gives an IOSv's serial console.

With `first_boot` (no startup-config yet) a connection sees what a fresh IOSv prints: boot
messages, the initial configuration dialogue question, "Press RETURN to get started!", then the
user EXEC prompt (`R1>`). After that, and on every later connection, it is the device's own CLI
(`Session`), on `line con 0`: no login, and `enable` needs no password while none is set.
Telnet options are answered as IOS does: WILL ECHO and WILL SUPPRESS-GO-AHEAD, nothing else.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from automation.emulator.device import Device
from automation.emulator.session import Frame, Session
from automation.telnet import ECHO, IAC, SGA, WILL, TelnetLine

log = logging.getLogger(__name__)

NEGOTIATION = bytes([IAC, WILL, ECHO, IAC, WILL, SGA])

BOOT_MESSAGES = (
    "Cisco IOS Software, IOSv Software (VIOS-ADVENTERPRISEK9-M), Version 15.9(3)M9, RELEASE SOFTWARE (fc1)",
    "Technical Support: http://www.cisco.com/techsupport",
    "Compiled Fri 26-Jan-24 04:56 by mcpre",
    "",
    "Cisco IOSv (revision 1.0) with  with 460137K/62464K bytes of memory.",
    "Processor board ID 9ABCDEF0123",
    "4 Gigabit Ethernet interfaces",
    "DRAM configuration is 72 bits wide with parity disabled.",
    "256K bytes of non-volatile configuration memory.",
    "2097152K bytes of ATA System CompactFlash 0 (Read/Write)",
    "",
    "",
    "         --- System Configuration Dialog ---",
    "",
)
SETUP_QUESTION = "Would you like to enter the initial configuration dialog? [yes/no]: "
PRESS_RETURN = "Press RETURN to get started!"


class ConsoleSession(Session):
    """A session on the console line: `enable` without a password while none is configured."""

    async def execute(self, line: str) -> None:
        word = line.strip().lower()
        if (
            self.privilege < 15 and word and "enable".startswith(word) and len(word) >= 2
            and not self.device.has_enable_password
        ):  # fmt: skip
            self.privilege = 15
            self.stack = [Frame("exec")]
            return
        await super().execute(line)


class Console:
    """The console of one device; `first_boot` plays the fresh-IOSv start once."""

    def __init__(self, device: Device, *, first_boot: bool = False, boot_delay: float = 1.0) -> None:
        self.device = device
        self.first_boot = first_boot and device.startup_text() is None
        self.boot_delay = boot_delay
        self._server: asyncio.Server | None = None
        self.port = 0

    async def start(self, address: str, port: int) -> None:
        self._server = await asyncio.start_server(self._serve, address, port, reuse_address=True)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        line = TelnetLine()
        session = ConsoleSession(self.device, user="console", privilege=1, write=writer.write)

        async def pump() -> None:
            while data := await reader.read(4096):
                session.feed(line.strip(data))
            session.feed_eof()

        writer.write(NEGOTIATION)
        task = asyncio.get_running_loop().create_task(pump())
        try:
            if self.first_boot:
                await self._first_boot(session)
            else:
                await session.read_line()  # a console shows its prompt after RETURN
            await session.run()
        except (ConnectionError, OSError) as exc:
            log.debug("%s: console connection lost: %s", self.device.config.hostname, exc)
        finally:
            task.cancel()
            with contextlib.suppress(ConnectionError, OSError):
                writer.close()

    async def _first_boot(self, session: Session) -> None:
        await asyncio.sleep(self.boot_delay)
        session.out("\n".join(BOOT_MESSAGES) + "\n")
        session.flush()
        while True:
            answer = await session.ask(SETUP_QUESTION)
            if answer is None:
                return
            if answer.strip().lower() in ("no", "n"):
                break
            if answer.strip().lower() in ("yes", "y"):
                session.out("\n% The setup dialogue is not emulated; answer no and configure by hand.\n")
            else:
                session.out("% Please answer 'yes' or 'no'.\n")
        session.out(f"\n\n{PRESS_RETURN}\n\n")
        session.flush()
        self.first_boot = False
        await session.read_line()
