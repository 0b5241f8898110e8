#!/usr/bin/env bash
# Installs what `./lab setup --kind` needs beyond Docker and Go: debootstrap (the node image's root
# filesystem comes from Debian packages). Idempotent; run as root. Changes nothing when it is there.
set -euo pipefail
if command -v debootstrap >/dev/null || [[ -x /usr/sbin/debootstrap ]]; then
  echo "[ensure-build-tools] debootstrap: present"
  exit 0
fi
[[ $(id -u) == 0 ]] || { echo "ensure-build-tools: error: run as root to install debootstrap" >&2; exit 1; }
echo "[ensure-build-tools] apt-get install debootstrap"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
echo "[ensure-build-tools] debootstrap: installed"
