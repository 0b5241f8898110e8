#!/usr/bin/env bash
# Proves the node image: a kind cluster from ops/images/kind-config.yaml comes up Ready with every
# kube-system pod Running, and a pod of ocm-lab/web:1 answers another pod through a Service and cluster DNS.
# Restores the host sysctls the kubelet changes, and deletes the cluster, even on failure.
# Usage: bash ops/images/verify.sh [toolchain bin dir]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BIN=${1:-$(ls -d "${XDG_CACHE_HOME:-$HOME/.cache}"/ocm-lab/toolchain/*/bin | head -1)}
NAME=imgtest
KUBECONFIG_FILE=/tmp/$NAME.kubeconfig
SYSCTLS=(kernel.panic kernel.panic_on_oops vm.overcommit_memory)
declare -A before
for s in "${SYSCTLS[@]}"; do before[$s]=$(sysctl -n "$s"); done
say() { printf '[verify %3ss] %s\n' "$SECONDS" "$*"; }
k() { "$BIN/kubectl" --kubeconfig "$KUBECONFIG_FILE" "$@"; }
cleanup() {
  status=$?
  if [[ $status != 0 ]]; then
    k get pods -A -o wide || true
    k get events -A --sort-by=.lastTimestamp | tail -30 || true
    if [[ -n ${KEEP:-} ]]; then say "failed; KEEP set: cluster $NAME left running (restore the sysctls after deleting it)"; return; fi
  fi
  say "deleting cluster $NAME"
  "$BIN/kind" delete cluster --name "$NAME" --kubeconfig "$KUBECONFIG_FILE" >/dev/null 2>&1 || true
  rm -f "$KUBECONFIG_FILE"
  for s in "${SYSCTLS[@]}"; do
    now=$(sysctl -n "$s")
    [[ $now == "${before[$s]}" ]] || { say "restoring $s: $now -> ${before[$s]}"; sysctl -qw "$s=${before[$s]}"; }
  done
}
trap cleanup EXIT

say "kind create cluster --name $NAME"
start=$SECONDS
"$BIN/kind" create cluster --name "$NAME" --config "$HERE/kind-config.yaml" --kubeconfig "$KUBECONFIG_FILE" --wait 3m
say "cluster up in $((SECONDS - start))s"
k wait --for=condition=Ready node --all --timeout=120s
deadline=$((SECONDS + 180))
# Static pods come first; wait for the DaemonSet and Deployment pods (kube-proxy, coredns) too.
until k get pods -n kube-system --no-headers 2>/dev/null | grep -q '^coredns-.* Running ' &&
  k get pods -n kube-system --no-headers | grep -q '^kube-proxy-.* Running ' &&
  ! k get pods -n kube-system --no-headers | grep -qv ' Running '; do
  ((SECONDS < deadline)) || { k get pods -A -o wide; exit 1; }
  sleep 2
done
k wait --for=condition=Ready pods --all -n kube-system --timeout=120s
k get nodes -o wide
k get pods -A -o wide
say "every kube-system pod Running and Ready"

k create deployment web --image=ocm-lab/web:1 --port=8080
k expose deployment web --port=80 --target-port=8080
k rollout status deployment/web --timeout=120s
# OnFailure: the first try can come before kube-proxy has programmed the new Service.
k run probe --image=ocm-lab/web:1 --restart=OnFailure --command -- /web fetch http://web.default.svc.cluster.local/healthz
k wait --for=jsonpath='{.status.phase}'=Succeeded pod/probe --timeout=120s
say "pod -> service (cluster DNS) -> web: $(k logs probe)"
k run dns --image=ocm-lab/web:1 --restart=OnFailure --command -- /web fetch "http://$NAME-control-plane:10256/healthz"
k wait --for=jsonpath='{.status.phase}'=Succeeded pod/dns --timeout=60s
say "pod -> node name (CoreDNS -> dns-relay -> Docker's resolver) -> kube-proxy healthz: ok"
k delete pod probe --wait=false
k port-forward deployment/web 18080:8080 >/tmp/$NAME-pf.log 2>&1 &
pf=$!
sleep 3
say "port-forward -> web: $(curl -fsS http://127.0.0.1:18080/)"
kill "$pf"
say "OK"
