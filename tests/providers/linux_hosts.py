"""Real Linux hosts for the Linux day-0 tests: a Debian VM run the way a GNS3 qemu node runs,
a DHCP server, an ssh client, namespaces.

The image is Debian 12 with systemd, sshd, python3, a DHCP client and cloud-init, built once with
mmdebstrap from the Debian archive and kept under MASTERTECH_VM_CACHE
(/var/cache/mastertech/linux-vm): an ext4 disk (booted with `snapshot=on`, so every VM starts
from the same clean disk) plus its kernel and initramfs. root's console password is
FIRST_PASSWORD, as an appliance's documented login. cloud-init reads NoCloud only, and leaves
the network to the day-0 (a cloud image would otherwise wait for DHCP on every NIC).
`make test` builds it first (`make linux-vm-image`), outside any test's time budget.

A VM runs under qemu (TCG) inside one lab-made network namespace: eth0 and eth1 are taps there
(vm0, vm1), and its serial console is a telnet server on that namespace's loopback, reached from
the test through a Forwarder like GNS3's console port. Nothing of it reaches past the namespace.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from automation.lab.forwarder import Forwarder
from automation.polling import until

FIRST_PASSWORD = "image-console-1"
MIRROR = "http://deb.debian.org/debian"
PACKAGES = (
    "systemd-sysv", "udev", "kmod", "procps", "iproute2", "linux-image-amd64", "openssh-server",
    "python3", "isc-dhcp-client", "cloud-init",
)  # fmt: skip
RECIPE = {"suite": "bookworm", "packages": PACKAGES, "layout": 2}
CACHE = Path(os.environ.get("MASTERTECH_VM_CACHE", "/var/cache/mastertech/linux-vm"))
CONSOLE_PORT = 5000  # inside the VM's namespace
BOOT_BUDGET = 420.0  # seconds: a TCG boot to a login prompt takes about a minute here


@dataclass(frozen=True)
class Image:
    kernel: Path
    initrd: Path
    disk: Path


def _run(*argv: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(argv, capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload]
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: {(proc.stderr or proc.stdout)[-2000:]}")
    return proc  # type: ignore[no-any-return]


def image() -> Image:
    """The VM image of RECIPE, built on first use (about two minutes) and cached."""
    key = hashlib.sha256(json.dumps(RECIPE, sort_keys=True).encode()).hexdigest()[:12]
    folder = CACHE / key
    folder.mkdir(parents=True, exist_ok=True)
    made = Image(folder / "vmlinuz", folder / "initrd.img", folder / "disk.raw")
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "ready").exists():
            _build(folder, made)
    return made


def _build(folder: Path, made: Image) -> None:
    tar = folder / "rootfs.tar"
    root = folder / "root"
    shutil.rmtree(root, ignore_errors=True)
    _run("mmdebstrap", "--variant=minbase", f"--include={','.join(PACKAGES)}", str(RECIPE["suite"]), str(tar),
         MIRROR, timeout=900)  # fmt: skip
    root.mkdir()
    _run("tar", "-C", str(root), "-xf", str(tar), timeout=300)
    (root / "etc/fstab").write_text("/dev/vda / ext4 defaults 0 1\n")
    (root / "etc/hostname").write_text("debian-vm\n")
    (root / "etc/cloud/cloud.cfg.d/90-lab.cfg").write_text(
        # minbase has no en_US locale for cloud-init's default; C.UTF-8 is built in.
        "datasource_list: [ NoCloud, None ]\nnetwork: {config: disabled}\nlocale: C.UTF-8\n"
    )
    _run("chroot", str(root), "chpasswd", input=f"root:{FIRST_PASSWORD}\n")
    boot = root / "boot"
    shutil.copy(next(boot.glob("vmlinuz-*")), made.kernel)
    shutil.copy(next(boot.glob("initrd.img-*")), made.initrd)
    made.disk.unlink(missing_ok=True)
    _run("mkfs.ext4", "-q", "-d", str(root), "-L", "root", str(made.disk), "2G", timeout=300)
    shutil.rmtree(root)
    tar.unlink()
    (folder / "ready").write_text(json.dumps(RECIPE))


@dataclass
class Vm:
    """One VM in namespace `netns`: eth0 on tap vm0, eth1 on tap vm1, console on `console`."""

    name: str
    netns: str
    work: Path
    process: subprocess.Popen[bytes] | None = None
    console: Forwarder | None = None
    extra: list[str] = field(default_factory=list)

    def start(self, img: Image, *, cloud_init: bool, seed: Path | None = None) -> None:
        append = "root=/dev/vda rw console=ttyS0 net.ifnames=0" + (
            "" if cloud_init else " cloud-init=disabled"
        )
        argv = [
            "ip", "netns", "exec", self.netns, "qemu-system-x86_64", "-name", self.name,
            "-accel", "tcg", "-m", "768", "-smp", "1", "-nographic", "-monitor", "none",
            "-kernel", str(img.kernel), "-initrd", str(img.initrd), "-append", append,
            "-drive", f"file={img.disk},format=raw,if=virtio,snapshot=on",
            "-netdev", "tap,id=n0,ifname=vm0,script=no,downscript=no",
            "-device", "virtio-net-pci,netdev=n0,mac=52:54:00:12:00:01",
            "-netdev", "tap,id=n1,ifname=vm1,script=no,downscript=no",
            "-device", "virtio-net-pci,netdev=n1,mac=52:54:00:12:00:02",
            "-serial", f"telnet:127.0.0.1:{CONSOLE_PORT},server,nowait",
        ]  # fmt: skip
        if seed is not None:
            argv += ["-drive", f"file={seed},format=raw,media=cdrom,readonly=on"]
        log = (self.work / f"{self.name}-qemu.log").open("wb")
        self.process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()

        def taps_up() -> bool:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(
                    f"qemu exited: {(self.work / f'{self.name}-qemu.log').read_text()[-1500:]}"
                )
            links = _run("ip", "-n", self.netns, "-o", "link", "show").stdout
            return "vm0" in links and "vm1" in links

        if not until(taps_up, 30, 0.1):
            raise RuntimeError("qemu made no tap devices")
        for tap in ("vm0", "vm1"):
            _run("ip", "-n", self.netns, "link", "set", tap, "up")
        self.console = Forwarder(f"{self.name}-console", f"/run/netns/{self.netns}", port_inside=CONSOLE_PORT)

    def stop(self) -> None:
        if self.console is not None:
            self.console.close()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def ssh(
    netns: str, address: str, password: str, command: str, timeout: int = 10
) -> subprocess.CompletedProcess[str]:
    """A real ssh client in `netns` logging in as root with `password` (never on the command line)."""
    return subprocess.run(
        ["ip", "netns", "exec", netns, "sshpass", "-e", "ssh", "-o", "StrictHostKeyChecking=no",
         "-o", "UserKnownHostsFile=/dev/null", "-o", f"ConnectTimeout={timeout}", "-o", "LogLevel=ERROR",
         "-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no",
         f"root@{address}", command],
        capture_output=True, text=True, timeout=timeout + 60, check=False,
        env={**os.environ, "SSHPASS": password},
    )  # fmt: skip


def dhcp_server(netns: str, interface: str) -> subprocess.Popen[bytes]:
    """A real DHCP server (dnsmasq) for 10.77.0.0/24 on `interface` of `netns`, which must hold
    10.77.0.1/24 there; the lease's gateway is that address. The caller stops it."""
    return subprocess.Popen([
        "ip", "netns", "exec", netns, "dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null",
        "--no-resolv", "--no-hosts", "--port=0", f"--interface={interface}", "--bind-interfaces",
        "--dhcp-range=10.77.0.100,10.77.0.150,24h", "--dhcp-option=3,10.77.0.1",
        "--dhcp-leasefile=/dev/null", "--pid-file=",
    ], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


@contextlib.contextmanager
def namespace(name: str) -> Iterator[str]:
    """A lab-made namespace with loopback up; removed with whatever runs in it."""
    _run("ip", "netns", "add", name)
    try:
        _run("ip", "-n", name, "link", "set", "lo", "up")
        yield name
    finally:
        subprocess.run(["ip", "netns", "del", name], check=False, capture_output=True)


if __name__ == "__main__":  # `make linux-vm-image`: build (or find) the image before the tests run
    print(image().disk)
