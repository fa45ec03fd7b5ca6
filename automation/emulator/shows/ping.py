"""`ping` and `traceroute` results as IOS prints them."""

from __future__ import annotations

from ipaddress import IPv4Address

from automation.emulator.dataplane import PingResult, TraceHop


def show_ping(result: PingResult) -> str:
    repeat = len(result.replies)
    out = [
        "Type escape sequence to abort.",
        f"Sending {repeat}, {result.size}-byte ICMP Echos to {result.destination}, "
        f"timeout is {result.timeout} seconds:",
    ]
    if result.source is not None:
        out.append(f"Packet sent with a source address of {result.source} ")
    out += [result.replies[i : i + 70] for i in range(0, repeat, 70)]
    percent = result.success * 100 // repeat if repeat else 0
    rate = f"Success rate is {percent} percent ({result.success}/{repeat})"
    if result.success and result.rtt_ms:
        rate += ", round-trip min/avg/max = {}/{}/{} ms".format(*result.rtt_ms)
    out.append(rate)
    return "\n".join(out) + "\n"


def show_traceroute(dest: IPv4Address, hops: list[TraceHop]) -> str:
    out = [
        "Type escape sequence to abort.",
        f"Tracing the route to {dest}",
        "VRF info: (vrf in name/id, vrf out name/id)",
    ]
    for hop in hops:
        if hop.address is None:
            out.append(f"{hop.hop:>3} *  *  * ")
        else:
            rtts = " ".join(f"{ms} msec" for ms in hop.rtt_ms) or "*"
            out.append(f"{hop.hop:>3} {hop.address} {rtts}")
    return "\n".join(out) + "\n"
