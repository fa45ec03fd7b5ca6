"""Mail dialogues: passwords masked where the probe records them and again where they are shown,
pcaps scrubbed of them with valid TCP checksums, and the dialogue's commands as a reader names them."""

from __future__ import annotations

import struct
from pathlib import Path

from automation.checks import probe
from automation.mail.capture import _checksum, scrub_pcap
from automation.mail.dialogue import MASK, dialogue_from, secret_forms


def _recorded(protocol: str, lines: list[tuple[str, str]]) -> list[str]:
    rec = probe._Recorder(protocol)
    for side, text in lines:
        rec.add(side, text)
    return [x["text"] for x in rec.lines]


def test_smtp_auth_plain_and_login_are_masked_in_the_probe() -> None:
    assert _recorded("smtp", [("C", "AUTH PLAIN AGFsaWNlAHNlY3JldA=="), ("S", "235 2.7.0 ok")]) == [
        f"AUTH PLAIN {MASK}",
        "235 2.7.0 ok",
    ]
    texts = _recorded(
        "smtp", [("C", "AUTH LOGIN YWxpY2U="), ("S", "334 UGFzc3dvcmQ6"), ("C", "c2VjcmV0"), ("C", "QUIT")]
    )
    assert texts == [f"AUTH LOGIN {MASK}", "334 UGFzc3dvcmQ6", MASK, "QUIT"]


def test_pop3_pass_and_imap_login_are_masked_in_the_probe() -> None:
    assert _recorded("pop3", [("C", "USER erin"), ("C", "PASS s3cret")]) == ["USER erin", f"PASS {MASK}"]
    assert _recorded("imap", [("C", 'A0001 LOGIN erin "s3cret"'), ("C", "A0002 SELECT INBOX")]) == [
        f"A0001 LOGIN erin {MASK}",
        "A0002 SELECT INBOX",
    ]


def test_message_of_data_is_summarised() -> None:
    lines = probe._message_summary(b"From: a@x\r\nSubject: hi\r\n\r\nline 1\r\nline 2\r\n.\r\n")
    assert lines[:2] == ["From: a@x", "Subject: hi"] and lines[-1] == "."
    assert "2 line(s)" in lines[-2]


def test_dialogue_masks_again_whatever_the_probe_sent() -> None:
    answer = {
        "started": 1000.0,
        "transcript": [
            {"t": 0.0, "from": "S", "text": "+OK ready", "tls": False},
            {"t": 12.5, "from": "C", "text": "PASS hunter2", "tls": True},
            {"t": 20.0, "from": "C", "text": "AUTH PLAIN " + secret_forms("erin", "hunter2")[1], "tls": True},
        ],
    }
    dialogue = dialogue_from("pop3", 110, "MG-PC1", answer, secret_forms("erin", "hunter2"))
    assert [line.text for line in dialogue.lines] == ["+OK ready", f"PASS {MASK}", f"AUTH PLAIN {MASK}"]
    assert dialogue.encrypted
    assert dialogue.as_json()["lines"][1]["ms"] == 12.5


def test_commands_are_named_by_their_verbs() -> None:
    smtp = dialogue_from(
        "smtp", 25, "PC0",
        {"transcript": [{"from": "C", "text": t} for t in
                        ("EHLO pc0", "MAIL FROM:<a@x>", "RCPT TO:<b@x>", "DATA", "QUIT")]},
        [],
    )  # fmt: skip
    assert smtp.commands() == ["EHLO", "MAIL FROM", "RCPT TO", "DATA", "QUIT"]
    imap = dialogue_from(
        "imap",
        143,
        "PC1",
        {"transcript": [{"from": "C", "text": "A1 LOGIN b ****"}, {"from": "C", "text": "A2 SELECT INBOX"}]},
        [],
    )
    assert imap.commands() == ["LOGIN", "SELECT"]


def _pcap(payload: bytes) -> bytes:
    """One Ethernet/IPv4/TCP packet carrying `payload`, in a little-endian pcap."""
    tcp = struct.pack("!HHIIBBHHH", 40000, 110, 1, 1, 5 << 4, 0x18, 65535, 0, 0) + payload
    ip = struct.pack(
        "!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0, bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
    )
    frame = b"\x00" * 12 + b"\x08\x00" + ip + tcp
    header = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
    return header + struct.pack("<IIII", 0, 0, len(frame), len(frame)) + frame


def test_pcap_is_scrubbed_with_a_valid_checksum(tmp_path: Path) -> None:
    path = tmp_path / "x.pcap"
    path.write_bytes(_pcap(b"PASS hunter2\r\n"))
    assert scrub_pcap(path, ["hunter2"]) == 1
    data = path.read_bytes()
    assert b"hunter2" not in data and b"PASS *******\r\n" in data
    ip = data[24 + 16 + 14 :]
    tcp = ip[20:]
    pseudo = ip[12:20] + struct.pack("!BBH", 0, 6, len(tcp))
    assert _checksum(pseudo + tcp) == 0  # a correct checksum sums to zero with itself included
    assert scrub_pcap(path, ["hunter2"]) == 0


def test_dialogue_doctests() -> None:
    import doctest

    from automation.mail import dialogue

    result = doctest.testmod(dialogue)
    assert result.attempted > 0 and result.failed == 0
