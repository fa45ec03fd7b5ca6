"""Write every intended config of a site to a directory: one file per device and per server file.

The folder is replaced as a whole: files are written into a fresh temporary folder beside it and
renamed into place, so a failure leaves the previous render intact, a file no longer rendered
disappears, and a symlink planted inside the folder is never followed. Render only replaces a
folder it made itself (it carries a marker file), and never writes into the file system's own
folders.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from automation.errors import UsageError
from automation.models.design import Site
from automation.render.ios import render_intended

MARKER = ".mastertech-render"
# Folders that belong to the system: render never writes into them or below them.
SYSTEM_TREES = (
    "/proc", "/sys", "/dev", "/boot", "/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/run",
    "/var/lib/dpkg", "/var/lib/apt", "/var/cache", "/var/log", "/var/spool",
)  # fmt: skip
SYSTEM_FOLDERS = ("/", "/var", "/var/lib", "/home", "/opt", "/srv")


def render_site(site: Site, out: Path, files: dict[str, str] | None = None) -> list[Path]:
    """Render IOS configs as <out>/<DEVICE>.cfg and server files as <out>/<SERVER>/<path>.

    `out` is the site's own folder (the CLI passes OUT/<site>); its previous content is replaced.
    `files` are the `rendered_files` of the site when the caller has them already.
    """
    files = rendered_files(site) if files is None else files
    with _as_usage_error(out):
        parent = _checked_parent(out)
        _check_replaceable(out, {rel.split("/")[0] for rel in files})
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=parent))
        try:
            for rel, content in files.items():
                _write(staging, rel, content)
            (staging / MARKER).write_text(f"rendered by mastertech for site {site.name}\n", encoding="utf-8")
            os.chmod(staging, 0o755)  # mkdtemp makes it 0700; a render is meant to be read
            _swap_into_place(staging, out)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return [out / rel for rel in files]


def write_output_file(path: Path, content: str) -> None:
    """Write one output file (a diagram) atomically: a link at `path` is replaced, never followed."""
    with _as_usage_error(path):
        if path.is_dir():
            raise UsageError(f"{path}: is a folder; give a file name, e.g. {path / 'site.svg'}")
        parent = _checked_parent(path)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(content)
        os.chmod(tmp, 0o644)
        os.replace(tmp, parent / path.name)


@contextlib.contextmanager
def _as_usage_error(path: Path) -> Iterator[None]:
    """A file-system failure is bad input (--out), said with the path and what to do."""
    try:
        yield
    except OSError as exc:
        where = str(exc.filename or path)
        if len(where) > 200:
            where = f"{where[:80]}...{where[-80:]}"
        raise UsageError(f"{where}: cannot write the output here ({_reason(exc)}); {_fix(exc)}") from exc


def rendered_files(site: Site) -> dict[str, str]:
    """Relative path inside the site's folder -> content, devices first, then each server's files."""
    from automation.render.linux import render_server

    files = {f"{name}.cfg": render_intended(site, name) for name in site.devices()}
    for server in site.servers:
        for dest, content in render_server(site, server.name).items():
            files[f"{server.name}/{dest.lstrip('/')}"] = content
    return files


def _checked_parent(out: Path) -> Path:
    """The real folder that will hold `out`: made if missing, refused when it is a system folder."""
    parent = out.absolute().parent
    try:
        real = parent.resolve()
    except RuntimeError as exc:  # a symlink loop
        raise UsageError(f"{parent}: cannot use this output folder ({exc}); choose another --out") from exc
    text = str(real)
    if text in SYSTEM_FOLDERS or any(text == t or text.startswith(t + "/") for t in SYSTEM_TREES):
        raise UsageError(
            f"--out {parent}: {real} is a system folder; render into a folder of your own (e.g. --out out)"
        )
    if real.exists() and not real.is_dir():
        raise UsageError(f"--out {parent}: is a file, not a folder; choose a folder for --out")
    if len(str(real)) > 3000:
        raise UsageError(f"--out: the path is {len(str(real))} characters long; choose a shorter --out path")
    real.mkdir(parents=True, exist_ok=True)
    return real


def _check_replaceable(out: Path, ours: set[str]) -> None:
    """`out` may be replaced when it is missing, empty, marked as a render, or holds only
    what this render writes (a render made before the marker existed)."""
    if out.is_symlink():
        raise UsageError(
            f"{out}: is a symbolic link; render replaces only a real folder it made, remove the link "
            "or choose another --out"
        )
    if not out.exists():
        return
    if not out.is_dir():
        raise UsageError(f"{out}: is a file, not a folder render made; move it away or choose another --out")
    present = {entry.name for entry in out.iterdir()}
    if present and not (out / MARKER).is_file() and not present <= ours:
        raise UsageError(
            f"{out}: holds files render did not make (no {MARKER}); render replaces the whole folder, "
            "so move them away or choose another --out"
        )


def _write(root: Path, rel: str, content: str) -> None:
    path = root / rel
    # Names come from validated models; this keeps a bad one from ever leaving the folder.
    if ".." in Path(rel).parts or not path.resolve().is_relative_to(root.resolve()):
        raise UsageError(
            f"{rel}: a rendered file would land outside the render folder; check the site's names"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL|O_NOFOLLOW: a fresh file in a fresh folder, never through a link.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(content)


def _swap_into_place(staging: Path, out: Path) -> None:
    if not out.exists():
        os.rename(staging, out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
    os.rename(out, old / "previous")
    try:
        os.rename(staging, out)
    except OSError:
        os.rename(old / "previous", out)  # put the previous render back
        raise
    finally:
        shutil.rmtree(old, ignore_errors=True)


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _fix(exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "choose a writable folder for --out"
    if exc.errno == errno.ENOSPC:
        return "free some disk space or choose another --out"
    if exc.errno == errno.ENAMETOOLONG:
        return "choose a shorter --out path"
    return "check the folder given with --out"
