#!/usr/bin/env bash
# Asterisk sandbox without Docker: a Debian sid chroot with the Debian asterisk
# package, cached outside the repo. See ../shared/DESIGN.md ("A real Asterisk on
# a machine without Docker").
#   scripts/sandbox.sh start   build (first time) + install our confs + start + wait for ARI
#   scripts/sandbox.sh stop    stop Asterisk
#   scripts/sandbox.sh status  exit 0 if ARI answers
#   scripts/sandbox.sh rx CMD  run an Asterisk CLI command
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${PORTARIA_CACHE:-$HOME/.cache/portaria}"
ROOT="${PORTARIA_SANDBOX_ROOT:-$CACHE/asterisk-sid}"
ARI_URL="${PORTARIA_SANDBOX_ARI:-http://127.0.0.1:8088}"
ARI_AUTH="${PORTARIA_ARI_USER:-portaria}:${PORTARIA_ARI_PASSWORD:-portaria}"

log() { printf 'sandbox: %s\n' "$*" >&2; }
die() { printf 'sandbox: ERROR: %s\n' "$*" >&2; exit 1; }

mirror() {
  # Use the mirror this machine's apt already uses, so no host is hard-coded here.
  if [[ -n "${PORTARIA_DEBIAN_MIRROR:-}" ]]; then echo "$PORTARIA_DEBIAN_MIRROR"; return; fi
  local m=""
  if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
    m="$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)"
  fi
  if [[ -z "$m" && -f /etc/apt/sources.list ]]; then
    m="$(awk '$1=="deb" && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list)"
  fi
  [[ -n "$m" ]] || die "no Debian mirror found in /etc/apt; set PORTARIA_DEBIAN_MIRROR"
  echo "$m"
}

ari_up() {
  curl -fsS -m 2 -u "$ARI_AUTH" "$ARI_URL/ari/asterisk/info" >/dev/null 2>&1
}

build() {
  [[ $(id -u) -eq 0 ]] || die "building the sandbox needs root (debootstrap, chroot)"
  command -v debootstrap >/dev/null || die "debootstrap is not installed (make deps installs it)"
  local m; m="$(mirror)"
  mkdir -p "$CACHE"
  local tmp="$ROOT.partial"
  rm -rf "$tmp"
  log "debootstrap sid into $tmp (first run only, ~1 min)"
  debootstrap --variant=minbase sid "$tmp" "$m" >"$CACHE/debootstrap.log" 2>&1 \
    || die "debootstrap failed, see $CACHE/debootstrap.log"
  mount_proc "$tmp"
  log "installing asterisk in the chroot"
  chroot "$tmp" apt-get -o Acquire::Check-Valid-Until=false -qq update >"$CACHE/apt.log" 2>&1 \
    || { umount "$tmp/proc" || true; die "apt-get update failed, see $CACHE/apt.log"; }
  DEBIAN_FRONTEND=noninteractive chroot "$tmp" apt-get install -y -qq --no-install-recommends \
      asterisk asterisk-modules >>"$CACHE/apt.log" 2>&1 \
    || { umount "$tmp/proc" || true; die "asterisk install failed, see $CACHE/apt.log"; }
  chroot "$tmp" apt-get clean >/dev/null 2>&1 || true
  umount "$tmp/proc" || true
  mv "$tmp" "$ROOT"
  log "sandbox cached at $ROOT"
}

mount_proc() {
  local dir="$1"
  mountpoint -q "$dir/proc" || mount -t proc proc "$dir/proc"
}

install_confs() {
  local etc="$ROOT/etc/asterisk"
  for f in "$HERE"/asterisk/*.conf; do
    install -m 0644 "$f" "$etc/$(basename "$f")"
  done
  # Test-only dialplan (test phones, resident stand-ins) lives beside the shipped one.
  if [[ -d "$HERE/tests/asterisk" ]]; then
    for f in "$HERE"/tests/asterisk/*.conf; do
      install -m 0644 "$f" "$etc/$(basename "$f")"
    done
  fi
  # Asterisk drops capabilities at start: root can't read files owned by the asterisk uid.
  for d in /etc/asterisk /var/lib/asterisk /var/spool/asterisk /var/log/asterisk /var/run/asterisk /var/cache/asterisk; do
    mkdir -p "$ROOT$d"
    chown -R root:root "$ROOT$d"
  done
  mkdir -p "$ROOT/var/spool/asterisk/recording" "$ROOT/var/lib/asterisk/sounds/portaria"
}

running_pid() {
  pgrep -f "^asterisk -f" -n 2>/dev/null || true
}

start() {
  [[ -d "$ROOT/usr/sbin" && -x "$ROOT/usr/sbin/asterisk" ]] || build
  mount_proc "$ROOT"
  install_confs
  if ari_up; then
    log "Asterisk already running; reloading config"
    chroot "$ROOT" asterisk -rx "core reload" >/dev/null 2>&1 || true
    chroot "$ROOT" asterisk -rx "dialplan reload" >/dev/null 2>&1 || true
    return 0
  fi
  [[ -n "$(running_pid)" ]] && { log "stale asterisk process, stopping it"; stop; }
  log "starting Asterisk"
  # setsid: Asterisk outlives the shell that started it, and its stdin is closed.
  setsid chroot "$ROOT" asterisk -f -U root -G root >"$CACHE/asterisk.out" 2>&1 </dev/null &
  for _ in $(seq 1 150); do
    if ari_up; then log "ARI answers at $ARI_URL"; return 0; fi
    sleep 0.2
  done
  tail -20 "$CACHE/asterisk.out" >&2 || true
  die "Asterisk did not answer ARI at $ARI_URL within 30 s (log: $CACHE/asterisk.out)"
}

stop() {
  if [[ -x "$ROOT/usr/sbin/asterisk" ]]; then
    chroot "$ROOT" asterisk -rx "core stop now" >/dev/null 2>&1 || true
  fi
  for _ in $(seq 1 50); do
    [[ -z "$(running_pid)" ]] && break
    sleep 0.1
  done
  local pid; pid="$(running_pid)"
  [[ -n "$pid" ]] && kill -9 "$pid" 2>/dev/null || true
  log "stopped"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  build) [[ -x "$ROOT/usr/sbin/asterisk" ]] || build ;;
  status) ari_up ;;
  rx) shift; chroot "$ROOT" asterisk -rx "$*" ;;
  root) echo "$ROOT" ;;
  *) die "usage: $0 start|stop|status|build|rx CMD|root" ;;
esac
