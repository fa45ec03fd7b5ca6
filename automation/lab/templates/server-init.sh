#!/bin/sh
# PID 1 of lab server node {name}: automation/lab/templates/server-init.sh, filled in by
# automation/lab/servernode.py (str.format: braces of its own are doubled) at each start.
set -eu
root={root}
upper={upper}
work={work}

# The private root: the host's root read-only below, this node's writes above.
mount -t overlay "mt-{name}" -o "lowerdir=/,upperdir=$upper,workdir=$work" "$root"
mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$root/sys"
mount -t tmpfs -o nosuid,mode=755,size=8m tmpfs "$root/dev"
for dev in null zero full random urandom tty; do
    : > "$root/dev/$dev"
    mount --bind "/dev/$dev" "$root/dev/$dev"
done
mkdir -p "$root/dev/pts" "$root/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts "$root/dev/pts"
mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs "$root/dev/shm"
ln -s pts/ptmx "$root/dev/ptmx"
ln -s /proc/self/fd "$root/dev/fd"
ln -s /proc/self/fd/0 "$root/dev/stdin"
ln -s /proc/self/fd/1 "$root/dev/stdout"
ln -s /proc/self/fd/2 "$root/dev/stderr"
mount -t tmpfs -o nosuid,nodev,mode=755,size=64m tmpfs "$root/run"
mount -t tmpfs -o nosuid,nodev,mode=1777,size=256m tmpfs "$root/tmp"
cd "$root"
pivot_root . .
umount -l .
cd /

# Look like a Debian host booting: hostname, lock dirs, loopback, and init scripts allowed to run
# (the host's policy-rc.d only exists to keep package installs from starting daemons).
hostname {hostname}
echo {hostname} > /etc/hostname
printf '127.0.0.1\tlocalhost\n%s\t%s\n' {address} {hostname} > /etc/hosts
rm -f /usr/sbin/policy-rc.d
[ -e /root/.profile ] || cp -a /etc/skel/. /root/
mkdir -p /run/lock /run/sshd /var/log
chmod 1777 /run/lock
ip link set lo up

# Own SSH host key, made once per node (the upper layer keeps it across restarts). Ed25519 only:
# RSA key generation took a second of every fresh lab's start, and every client here speaks it.
if [ ! -e /etc/ssh/.mastertech-node ]; then
    rm -f /etc/ssh/ssh_host_*
    ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key
    echo {name} > /etc/ssh/.mastertech-node
fi
cat > /etc/ssh/sshd_config.d/00-mastertech-lab.conf <<'EOF'
# The lab's Ansible logs in as root with the lab password; there is no PAM stack to go through.
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin yes
PasswordAuthentication yes
UsePAM no
UseDNS no
EOF
service ssh start

# From here on only reap orphans, and on SIGTERM stop everything gracefully.
set +e
others() {{
    for p in /proc/[0-9]*; do
        [ "${{p#/proc/}}" = 1 ] || return 0
    done
    return 1
}}
shutdown() {{
    kill -TERM -1 2>/dev/null
    n=0
    while others && [ $n -lt {stop_ticks} ]; do
        sleep 0.1
        n=$((n + 1))
    done
    exit 0
}}
trap shutdown TERM INT
echo "node {name} ready"
while :; do
    sleep 3600 &
    wait $!
done
