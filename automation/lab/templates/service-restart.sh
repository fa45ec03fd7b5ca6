#!/bin/sh
# Run inside a server node as `sh -c SCRIPT restart SERVICE PROGRAM-PREFIX...`: kill the
# service's orphans (exe under a prefix), then start it (automation/lab/servernode.py).
service=$1; shift
for p in /proc/[0-9]*; do
    exe=$(readlink "$p/exe" 2>/dev/null) || continue
    for prefix in "$@"; do
        case $exe in "$prefix"*) kill -9 "${p#/proc/}" 2>/dev/null ;; esac
    done
done
exec service "$service" start
