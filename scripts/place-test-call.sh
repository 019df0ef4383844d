#!/usr/bin/env bash
# Place a test call to the visitor extension of the sandbox Asterisk: a Local
# channel dials 100@portaria-gate (the gate intercom), stays on the line for
# WAIT seconds and records what it hears to
#   $(scripts/sandbox.sh root)/tmp/portaria-test/calls/manual-<time>-heard.wav
#   scripts/place-test-call.sh [WAIT]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ "${1:-}" == "--help-text" ]]; then
  cat <<TXT

  Portaria is starting. To place a test call from another terminal:
      scripts/place-test-call.sh 15
  which runs, in the sandbox Asterisk:
      asterisk -rx "channel originate Local/100@portaria-gate/n extension s@test-phone"
  (with REC/WAIT variables so the call is recorded). The recording of what the
  caller heard is printed when the call ends.

TXT
  exit 0
fi
WAIT="${1:-15}"
ROOT="$("$HERE/scripts/sandbox.sh" root)"
mkdir -p "$ROOT/tmp/portaria-test/calls"
REC="/tmp/portaria-test/calls/manual-$(date +%Y%m%d-%H%M%S)"
curl -fsS -u "${PORTARIA_ARI_USER:-portaria}:${PORTARIA_ARI_PASSWORD:-portaria}" -X POST \
  -H 'Content-Type: application/json' \
  "http://127.0.0.1:8088/ari/channels?endpoint=Local/100@portaria-gate/n&context=test-phone&extension=s&priority=1&callerId=Teste%20%3C7000%3E" \
  -d "{\"variables\":{\"REC\":\"$REC\",\"WAIT\":\"$WAIT\"}}" >/dev/null
echo "calling 100@portaria-gate for $WAIT s..."
sleep "$((WAIT + 2))"
echo "what the caller heard: $ROOT$REC-heard.wav"
