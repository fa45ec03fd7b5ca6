"""The mail server under load: 1,000 messages from every department to every user, 20 clients.

    sudo .venv/bin/python bench/mail_stress.py [--site mastertech] [--count 1000] [--workers 20]
        [--target embedded|static --endpoints FILE] [--restart-after 2.0] [--json]

Two runs on a lab where `mastertech up` has passed: first a plain one, then the same while Postfix
is restarted `--restart-after` seconds in. Each run submits from all sending PCs at once (587,
STARTTLS, AUTH), then reads every INBOX over IMAP: every message the server accepted (250 after
DATA) must be there exactly once (by Message-ID). Prints messages per second and the counts;
exits 1 when a message was lost or duplicated.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from automation.inventory import resolve_site_dir  # noqa: E402
from automation.mail.server import MailServerControl  # noqa: E402
from automation.mail.stress import StressResult, run_stress  # noqa: E402
from automation.models import load_site  # noqa: E402
from automation.providers import provider_for  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--site", default="mastertech")
    parser.add_argument("--target", default="embedded")
    parser.add_argument("--endpoints", type=Path)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=20)
    parser.add_argument("--restart-after", type=float, default=2.0, help="seconds into the second run")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    site = load_site(resolve_site_dir(args.site, None))
    provider = provider_for(args.target, site, args.endpoints)
    runner = provider.runner()
    control = MailServerControl(site, provider)

    def restart() -> str:
        answer = control.service("postfix", "restart")
        return f"exit {answer.get('status')}: {' '.join(str(answer.get('output', '')).split())}"

    try:
        runs = {
            "steady": run_stress(site, runner, args.count, args.workers),
            "postfix restarted": run_stress(
                site, runner, args.count, args.workers, restart=restart, restart_after=args.restart_after
            ),
        }
    finally:
        runner.close()
        control.close()
    if args.json:
        print(json.dumps({name: r.as_json() for name, r in runs.items()}, indent=2))
    else:
        show(args.site, runs)
    return 0 if all(r.ok for r in runs.values()) else 1


def show(site: str, runs: dict[str, StressResult]) -> None:
    table = Table(title=f"mail stress, site {site}")
    for column in ("run", "messages", "clients", "accepted", "refused", "delivered once", "lost",
                   "duplicated", "unconfirmed", "submit s", "msg/s", "delivery s"):  # fmt: skip
        table.add_column(column, justify="right" if column != "run" else "left")
    for name, r in runs.items():
        table.add_row(
            name, str(r.messages), str(r.workers), str(r.accepted), str(r.refused), str(r.delivered),
            str(len(r.lost)), str(len(r.duplicated)), str(len(r.unconfirmed)), f"{r.submit_seconds:.1f}",
            f"{r.rate:.1f}", f"{r.delivery_seconds:.1f}",
        )  # fmt: skip
    console = Console(highlight=False, width=160)
    console.print(table)
    for name, r in runs.items():
        for reason, n in r.refusals.items():
            console.print(f"{name}: {n} refused: {reason}", markup=False)
        if r.restarted:
            console.print(f"{name}: postfix restart: {r.restarted}", markup=False)


if __name__ == "__main__":
    raise SystemExit(main())
