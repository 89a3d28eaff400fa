#!/usr/bin/env bash
# The proof harness: runs the live end-to-end benches (app + headless Chromium with a fake mic) and the component
# benchmarks on this machine and writes one report:
#   ./scripts/bench.sh                 -> bench-results/latest.md (printed too), plus live.md, cycles.md, concurrency.md
#   BENCH_QUICK=1 ./scripts/bench.sh   fewer runs/cycles/sessions and no real-size Wav2Lip model (minutes, not half an hour)
#   ./scripts/bench.sh components     only the component benchmarks; the report reuses the last live results
#   ./scripts/bench.sh report         only reassembles latest.md from the last results (after rerunning one bench)
#   ./scripts/bench.sh soak [--minutes 60] [--interval 10]
#                                      one session for an hour: A/V offset drift -> bench-results/soak-*.{csv,md}
# Not part of CI: figures depend on the machine; commit the reports with the commit that produced them.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXTRA_APT="chromium ${EXTRA_APT:-}" "$ROOT/scripts/setup.sh"
cd "$ROOT"
BENCH=(timeout --kill-after=30 3600 dotnet run -c Release --no-build --project tests/WebAvatar.Benchmarks --)
if [ "${1:-}" = "soak" ]; then
  shift
  dotnet build src/WebAvatar.Web -c Release --nologo -v q -clp:ErrorsOnly
  dotnet build tests/WebAvatar.Benchmarks -c Release --nologo -v q -clp:ErrorsOnly
  # The soak sets its own deadline (minutes + 5); no outer timeout.
  exec dotnet run -c Release --no-build --project tests/WebAvatar.Benchmarks -- bench soak "$@"
fi
dotnet build WebAvatar.sln -c Release --nologo -v q --no-restore -clp:ErrorsOnly
OUT="$ROOT/bench-results"
mkdir -p "$OUT"
REPORT="$OUT/latest.md"
if [ "${BENCH_QUICK:-0}" = "1" ]; then
  LIVE=(--runs 5 --barge-ins 3); CYCLES=(--count 30); CONCURRENCY=(--max 3 --rounds 2)
else
  LIVE=(--runs 10 --barge-ins 5); CYCLES=(--count 100); CONCURRENCY=(--max 6 --rounds 3)
fi

# Heavy phases leave Chromium and the app winding down; wait (at most 90 s) until the 1-minute load average is back
# under the core count so one phase's tail does not inflate the next phase's figures.
wait_for_quiet() {
  local cores; cores=$(nproc)
  for _ in $(seq 1 18); do
    awk -v c="$cores" '{ exit !($1 < c) }' /proc/loadavg && return 0
    sleep 5
  done
}

# A live bench that fails leaves a note in the report instead of stopping the others.
live_bench() {
  local name=$1; shift
  wait_for_quiet
  echo "== bench $name $*" >&2
  if ! "${BENCH[@]}" bench "$name" "$@" >"$OUT/$name.log" 2>&1; then
    echo "bench $name FAILED (harness error, see bench-results/$name.log):" >&2
    tail -n 20 "$OUT/$name.log" >&2
    printf '# bench %s\n\nHarness failure: see `bench-results/%s.log`.\n' "$name" "$name" >"$OUT/$name.md"
  fi
}

# Component benchmarks first, on a quiet machine; the browser benches load it for minutes afterwards.
# `scripts/bench.sh components` reruns only these and reassembles the report from the last live results.
COMPONENTS="$OUT/components.md"
PHASE=${1:-all}
[ "$PHASE" = "report" ] || {
  echo "# Component benchmarks"
  echo
  for spec in "tts 5" "lipsync 500" "encode 10 512" "whisper tiny,base 5 24" "webrtc-send"; do
    name=${spec%% *}
    wait_for_quiet
    echo "## bench $name"
    echo '```'
    "${BENCH[@]}" bench $spec 2>&1 | tail -n 40
    echo '```'
    echo
  done
  if [ "${BENCH_QUICK:-0}" != "1" ]; then
    wait_for_quiet
    echo "## bench wav2lip"
    echo '```'
    "${BENCH[@]}" bench wav2lip 2>&1 | tail -n 40
    echo '```'
    echo
  fi
  wait_for_quiet
  echo "## Browser tests (connect time, fps)"
  echo '```'
  timeout 900 dotnet test tests/WebAvatar.Web.Tests -c Release --no-build --nologo --filter "FullyQualifiedName~LiveAvatarTests" \
    --logger "console;verbosity=normal" 2>&1 | grep -E "click to connected|video .* fps|Passed |Failed " || true
  echo '```'
} >"$COMPONENTS"

if [ "$PHASE" = "all" ]; then
  live_bench live "${LIVE[@]}"
  live_bench cycles "${CYCLES[@]}"
  live_bench concurrency "${CONCURRENCY[@]}"
fi

{
  echo "# WebAvatar benchmark report"
  echo
  echo "- commit: $(git rev-parse --short HEAD)  date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "- targets (defaults, CPU, LLM excluded): first avatar audio < 500 ms median, barge-in < 300 ms, |A/V offset| < 40 ms, drift < 20 ms/h, flat memory over 100 cycles"
  echo
  for name in live cycles concurrency; do
    sed 's/^# /## /' "$OUT/$name.md"
    echo
  done
  soak=$(ls -t "$OUT"/soak-*.md 2>/dev/null | head -n 1 || true)
  if [ -n "$soak" ]; then
    echo "## Latest soak ($(basename "$soak"), run separately: \`scripts/bench.sh soak\`)"
    sed '1d' "$soak"
  else
    echo "## Soak: not run yet (\`scripts/bench.sh soak\`, 60 minutes)"
  fi
  echo
  cat "$COMPONENTS"
} | tee "$REPORT"
echo "report: $REPORT"
