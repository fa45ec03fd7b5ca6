"""The embedded lab: a site's network in Linux network namespaces, driven by the IOS emulator.

One controller process per running lab builds a namespace per node and the cables as veth pairs,
runs the emulator for every router and switch, and keeps the kernel, FRR and dnsmasq in step with
each device's running configuration. PCs take their addresses by DHCP; servers come from
`automation.lab.servernode`. `automation.lab.launcher` starts and stops that controller;
`automation.lab.cleanup` removes whatever a lab left, also after a crash.
"""
