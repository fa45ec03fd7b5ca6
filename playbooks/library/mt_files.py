#!/usr/bin/python
"""Many files, directories and links of one server in one module run.

Ansible's file, template and copy modules cost one remote module run each (a template two when
it changes: stat, then copy), and on a two-core lab each run is most of a second. The roles hand
this module every path of a role at once, contents rendered on the controller (template lookup),
so a server's files take one SSH round trip. Idempotent like those modules (content, owner,
group, mode and link target compared; nothing written when all match), with check mode and diff
mode, and a file with `validate` is checked in a temporary file before it replaces the old one.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import tempfile

from ansible.module_utils.basic import AnsibleModule

DOCUMENTATION = r"""
module: mt_files
short_description: files, directories and links of a server in one run
description:
  - Ensures every entry of O(paths) in order; reports which paths changed.
options:
  paths:
    description:
      - Entries with C(path) and C(state) (file, directory, link or absent); C(content) for a
        file, C(src) for a link; C(owner), C(group), C(mode) (octal string); C(validate) for a
        file, a command with C(%s) for the new file's path.
    type: list
    elements: dict
    required: true
"""

RETURN = r"""
changed_paths:
  description: the paths that differed (and were changed, unless in check mode)
  type: list
  elements: str
"""


def _attrs(path: str) -> dict[str, str]:
    st = os.lstat(path)
    try:
        owner = pwd.getpwuid(st.st_uid).pw_name
    except KeyError:
        owner = str(st.st_uid)
    try:
        group = grp.getgrgid(st.st_gid).gr_name
    except KeyError:
        group = str(st.st_gid)
    return {"owner": owner, "group": group, "mode": "%04o" % (st.st_mode & 0o7777)}


def _wanted_attrs(entry: dict) -> dict[str, str]:
    wanted = {key: str(entry[key]) for key in ("owner", "group") if entry.get(key) is not None}
    if entry.get("mode") is not None:
        wanted["mode"] = "%04o" % int(str(entry["mode"]), 8)
    return wanted


def _set_attrs(path: str, wanted: dict[str, str]) -> None:
    uid = pwd.getpwnam(wanted["owner"]).pw_uid if "owner" in wanted else -1
    gid = grp.getgrnam(wanted["group"]).gr_gid if "group" in wanted else -1
    os.chown(path, uid, gid)
    if "mode" in wanted:
        os.chmod(path, int(wanted["mode"], 8))


class Files:
    def __init__(self, module: AnsibleModule) -> None:
        self.module = module
        self.changed: list[str] = []
        self.diffs: list[dict] = []

    def _differs(self, path: str, before: object, after: object) -> None:
        self.changed.append(path)
        if self.module._diff:
            self.diffs.append({"before_header": path, "after_header": path, "before": before, "after": after})

    def _attrs_of(self, path: str, wanted: dict[str, str]) -> None:
        have = _attrs(path)
        if any(have.get(key) != value for key, value in wanted.items()):
            if path not in self.changed:
                before = {key: have.get(key) for key in wanted}
                self._differs(path, before, dict(wanted))
            if not self.module.check_mode:
                _set_attrs(path, wanted)

    def directory(self, entry: dict) -> None:
        path, wanted = entry["path"], _wanted_attrs(entry)
        if not os.path.isdir(path):
            self._differs(path, {"state": "absent"}, {"state": "directory"})
            if self.module.check_mode:
                return
            os.makedirs(path)
        self._attrs_of(path, wanted)

    def file(self, entry: dict) -> None:
        path, wanted = entry["path"], _wanted_attrs(entry)
        content = entry.get("content")
        if content is None:
            self.module.fail_json(msg=f"{path}: a file needs its content")
        data = content.encode("utf-8")
        before: bytes | None = None
        if os.path.isfile(path):
            with open(path, "rb") as old:
                before = old.read()
        if before == data:
            self._attrs_of(path, wanted)
            return
        self._differs(path, (before or b"").decode("utf-8", "replace"), content)
        if self.module.check_mode:
            return
        # Written next to the old file, so that the rename that installs it is atomic.
        fd, tmp = tempfile.mkstemp(prefix=".mt_files.", dir=os.path.dirname(path) or ".")
        try:
            with os.fdopen(fd, "wb") as new:
                new.write(data)
            _set_attrs(tmp, {"mode": "0644", **wanted})
            if entry.get("validate"):
                rc, out, err = self.module.run_command(entry["validate"] % tmp)
                if rc != 0:
                    self.module.fail_json(
                        msg=f"{path}: validation failed ({entry['validate']}): {(err or out).strip()}",
                        changed_paths=self.changed,
                    )
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    def link(self, entry: dict) -> None:
        path, src = entry["path"], entry.get("src")
        if not src:
            self.module.fail_json(msg=f"{path}: a link needs its src")
        if os.path.islink(path) and os.readlink(path) == src:
            return
        self._differs(path, {"src": os.readlink(path) if os.path.islink(path) else None}, {"src": src})
        if self.module.check_mode:
            return
        if os.path.lexists(path):
            os.unlink(path)
        os.symlink(src, path)

    def absent(self, entry: dict) -> None:
        path = entry["path"]
        if not os.path.lexists(path):
            return
        self._differs(path, {"state": "present"}, {"state": "absent"})
        if self.module.check_mode:
            return
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.unlink(path)


def main() -> None:
    module = AnsibleModule(
        argument_spec={"paths": {"type": "list", "elements": "dict", "required": True}},
        supports_check_mode=True,
    )
    files = Files(module)
    for entry in module.params["paths"]:
        state = entry.get("state") or "file"
        handler = {"file": files.file, "directory": files.directory, "link": files.link,
                   "absent": files.absent}.get(state)  # fmt: skip
        if handler is None or not entry.get("path"):
            module.fail_json(msg=f"bad entry {entry.get('path')!r}: state {state!r}", changed_paths=files.changed)
        handler(entry)
    result = {"changed": bool(files.changed), "changed_paths": files.changed}
    if module._diff:
        result["diff"] = files.diffs
    module.exit_json(**result)


if __name__ == "__main__":
    main()
