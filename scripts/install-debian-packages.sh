#!/usr/bin/env bash
# Install the Debian packages the toolkit and its embedded lab need. Idempotent.
# Daemons must not start at install time (there is no systemd; the lab starts its own
# instances inside namespaces), so a policy-rc.d denies starts for the duration.
set -euo pipefail

PACKAGES=(
  python3 python3-venv
  iproute2 iputils-ping traceroute tcpdump procps psmisc nftables   # nft: the lab's IOS ACLs
  frr dnsmasq-base bind9 bind9-utils dnsutils
  postfix dovecot-pop3d dovecot-imapd nginx-light
  openssh-server openssh-client sshpass busybox isc-dhcp-client
  swaks ssl-cert openssl make graphviz
  qemu-system-x86 mtools   # the gns3 target tests: a GNS3 compute makes qemu nodes only with QEMU
  socat mmdebstrap   # the Linux day-0 tests: a console running the real login; a Debian VM image
)

if [ "$(id -u)" -ne 0 ]; then
  echo "install-debian-packages: run as root (apt-get needs it)" >&2
  exit 2
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "Debian packages: all ${#PACKAGES[@]} present"
  exit 0
fi

echo "Debian packages: installing ${missing[*]}"
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy"
  chmod +x "$policy"
  own_policy=1
fi
trap '[ "$own_policy" = 1 ] && rm -f "$policy"' EXIT

echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
echo "postfix postfix/mailname string localhost" | debconf-set-selections
apt_opts=(-o DPkg::Lock::Timeout=300 -o Acquire::Retries=3)
apt-get "${apt_opts[@]}" update -qq
DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y -qq --no-install-recommends "${missing[@]}"
