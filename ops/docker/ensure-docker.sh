#!/usr/bin/env bash
# Makes a Docker engine answer on this machine and run privileged containers, as kind's nodes need.
# Idempotent; run as root: `bash ops/docker/ensure-docker.sh`. It changes the machine only where a step is
# missing: installs Debian's docker.io when there is no dockerd, starts dockerd (no systemd needed), builds
# a tiny local probe image (there is no registry to pull one from), and only on hosts that refuse
# privileged containers ("unable to apply caps": no CAP_SYS_RESOURCE in the bounding set) makes dockerd's
# default runtime a runc wrapper that drops that capability (shared/KIND.md), and raises the inotify limits
# where they are below what several kind clusters need (kind's known issue: kubelets fail "too many open
# files"; the same minimums as `./lab doctor`). Prints each thing it does.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DOCKERD_LOG=/var/log/ocm-lab-dockerd.log
DAEMON_JSON=/etc/docker/daemon.json
PROBE_IMAGE=ocm-lab/probe:1 # src/providers/docker.ts probes privileged mode with it too
RUNTIME_NAME=ocm-lab-runc
WRAPPER=/usr/local/libexec/ocm-lab/runc-without-sys-resource
ENGINE_WAIT_SECONDS=${OCM_LAB_DOCKERD_WAIT_SECONDS:-90}

say() { printf '[ensure-docker %3ss] %s\n' "$SECONDS" "$*"; }
die() {
  printf 'ensure-docker: error: %s\n' "$*" >&2
  if [[ -s $DOCKERD_LOG ]]; then printf -- '--- last lines of %s:\n' "$DOCKERD_LOG" >&2; tail -n 15 "$DOCKERD_LOG" >&2; fi
  exit 1
}

engine_answers() { timeout 10 docker info >/dev/null 2>&1; }
with_systemd() { [[ -d /run/systemd/system ]]; }

apt_updated=false
apt_install() {
  command -v apt-get >/dev/null || die "apt-get not found: install $* by hand"
  if [[ $apt_updated == false ]]; then
    say "apt-get update"
    apt-get update -qq || die "apt-get update failed"
    apt_updated=true
  fi
  say "apt-get install $*"
  # No service may start from a package's maintainer script: this script starts dockerd itself.
  local own_policy=false
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && own_policy=true
  fi
  local status=0
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null || status=$?
  if [[ $own_policy == true ]]; then rm -f /usr/sbin/policy-rc.d; fi
  [[ $status == 0 ]] || die "apt-get install $* failed"
}

ensure_engine_installed() {
  if command -v dockerd >/dev/null && command -v docker >/dev/null; then return; fi
  apt_install docker.io
  command -v dockerd >/dev/null || die "docker.io is installed but dockerd is not on PATH"
}

wait_for_engine() {
  local deadline=$((SECONDS + ENGINE_WAIT_SECONDS))
  until engine_answers; do
    ((SECONDS < deadline)) || die "no Docker engine answered within ${ENGINE_WAIT_SECONDS}s"
    sleep 1
  done
}

dockerd_pids() { pgrep -x dockerd || true; }

start_engine() {
  if with_systemd; then
    say "systemctl start docker"
    systemctl start docker
  elif [[ -n $(dockerd_pids) ]]; then
    say "dockerd is running but does not answer yet: waiting"
  else
    say "starting dockerd (log: $DOCKERD_LOG)"
    setsid nohup dockerd >>"$DOCKERD_LOG" 2>&1 </dev/null &
  fi
  wait_for_engine
}

stop_engine() {
  local pids deadline=$((SECONDS + 60))
  pids=$(dockerd_pids)
  [[ -n $pids ]] || return 0
  # shellcheck disable=SC2086 # one pid per word
  kill -TERM $pids
  while [[ -n $(dockerd_pids) ]]; do
    ((SECONDS < deadline)) || die "dockerd did not stop within 60s"
    sleep 1
  done
}

restart_engine() {
  if with_systemd; then
    say "systemctl restart docker"
    systemctl restart docker
  else
    say "restarting dockerd"
    stop_engine
    setsid nohup dockerd >>"$DOCKERD_LOG" 2>&1 </dev/null &
  fi
  wait_for_engine
}

# A local image to run privileged with: there is no registry here to pull one from.
ensure_probe_image() {
  if docker image inspect "$PROBE_IMAGE" >/dev/null 2>&1; then return; fi
  dpkg -s busybox-static >/dev/null 2>&1 || apt_install busybox-static
  say "building $PROBE_IMAGE (static busybox, docker import)"
  local rootfs
  rootfs=$(mktemp -d)
  mkdir -p "$rootfs/bin"
  cp /bin/busybox "$rootfs/bin/busybox"
  ln -s busybox "$rootfs/bin/sh"
  ln -s busybox "$rootfs/bin/true"
  tar --owner=0 --group=0 -C "$rootfs" -cf - . |
    docker import --change 'CMD ["/bin/true"]' --change 'LABEL io.ocm-lab.probe=true' - "$PROBE_IMAGE" >/dev/null ||
    { rm -rf "$rootfs"; die "docker import of $PROBE_IMAGE failed"; }
  rm -rf "$rootfs"
}

# Prints the error of a privileged run of the probe image; nothing when it works.
privileged_run_error() {
  local output
  if output=$(timeout 60 docker run --rm --privileged --network none --entrypoint true "$PROBE_IMAGE" 2>&1); then return 0; fi
  printf '%s\n' "${output:-docker run timed out}"
}

# Debian's python3, not a user's (pyenv) one: dockerd runs the wrapper with its own environment.
PYTHON3=/usr/bin/python3
ensure_python3() { [[ -x $PYTHON3 ]] || apt_install python3; }

install_wrapper() {
  local real_runc="$1" wanted
  wanted=$(sed -e "s|@REAL_RUNC@|$real_runc|" "$HERE/runc-without-sys-resource.py")
  if [[ -f $WRAPPER ]] && [[ $(cat "$WRAPPER") == "$wanted" ]]; then return; fi
  say "installing $WRAPPER (execs $real_runc)"
  mkdir -p "$(dirname "$WRAPPER")"
  printf '%s\n' "$wanted" >"$WRAPPER.tmp"
  chmod 0755 "$WRAPPER.tmp"
  mv "$WRAPPER.tmp" "$WRAPPER"
}

# Registers the wrapper as dockerd's default runtime, keeping any other setting; prints "changed" or "unchanged".
register_runtime() {
  mkdir -p "$(dirname "$DAEMON_JSON")"
  "$PYTHON3" - "$DAEMON_JSON" "$RUNTIME_NAME" "$WRAPPER" <<'PY'
import json, sys
path, name, wrapper = sys.argv[1:]
try:
    with open(path) as f:
        config = json.load(f)
except FileNotFoundError:
    config = {}
before = json.dumps(config, sort_keys=True)
config.setdefault("runtimes", {})[name] = {"path": wrapper}
config["default-runtime"] = name
if json.dumps(config, sort_keys=True) == before:
    print("unchanged")
else:
    with open(path, "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    print("changed")
PY
}

default_runtime() { docker info --format '{{.DefaultRuntime}}' 2>/dev/null || true; }

adapt_runtime() {
  local real_runc
  with_systemd || [[ -n $(dockerd_pids) ]] ||
    die "the engine that answers is not a dockerd on this machine: configure the runtime adaptation where it runs"
  real_runc=$(command -v runc) || die "runc not found on PATH: the runtime adaptation wraps it"
  ensure_python3
  install_wrapper "$real_runc"
  if [[ $(register_runtime) == changed ]]; then say "registered $RUNTIME_NAME as the default runtime in $DAEMON_JSON"; fi
  if [[ $(default_runtime) != "$RUNTIME_NAME" ]]; then restart_engine; fi
}

# kind's known-issues page: several clusters exhaust the default inotify limits.
raise_inotify_limits() {
  local key_min key minimum current
  for key_min in fs.inotify.max_user_watches=524288 fs.inotify.max_user_instances=512; do
    key=${key_min%=*} minimum=${key_min#*=}
    current=$(sysctl -n "$key")
    if ((current < minimum)); then
      sysctl -qw "$key=$minimum"
      say "raised $key from $current to $minimum (kind needs it for several clusters)"
    fi
  done
}

main() {
  [[ $(id -u) == 0 ]] || die "run as root (it installs packages and starts dockerd)"

  if engine_answers; then
    say "a Docker engine answers"
  else
    ensure_engine_installed
    start_engine
  fi
  say "engine: $(docker version --format 'server {{.Server.Version}}, client {{.Client.Version}}') at $(docker context inspect --format '{{.Endpoints.docker.Host}}' 2>/dev/null || echo '?')"

  raise_inotify_limits
  ensure_probe_image
  # An adapted engine keeps the newest wrapper (no restart: dockerd runs it afresh for each container).
  if [[ $(default_runtime) == "$RUNTIME_NAME" ]]; then install_wrapper "$(command -v runc)"; fi

  local error
  error=$(privileged_run_error)
  if [[ -z $error ]]; then
    say "privileged containers work (default runtime: $(default_runtime))"
    return
  fi
  if ! grep -q 'unable to apply caps' <<<"$error"; then
    die "a privileged container of $PROBE_IMAGE fails for a reason the runtime adaptation does not fix: $error"
  fi
  say "privileged containers fail here (unable to apply caps: the host refuses CAP_SYS_RESOURCE): adapting the runtime"
  adapt_runtime
  error=$(privileged_run_error)
  [[ -z $error ]] || die "privileged containers still fail with $RUNTIME_NAME as the default runtime: $error"
  say "privileged containers work now (default runtime: $RUNTIME_NAME)"
}

main "$@"
say "done"
