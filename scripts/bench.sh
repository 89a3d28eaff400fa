#!/usr/bin/env bash
# Runs the component benchmarks and the browser timing tests on this machine and writes one report:
#   ./scripts/bench.sh            -> bench-results/latest.md (and prints it)
#   BENCH_QUICK=1 ./scripts/bench.sh  skips the slow real-size Wav2Lip model
#   ./scripts/bench.sh soak [--minutes 60] [--interval 10]  one session for an hour: A/V offset drift
#                                      -> bench-results/soak-*.{csv,md}
# Not part of CI: figures depend on the machine; commit the report with the commit that produced it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXTRA_APT="chromium ${EXTRA_APT:-}" "$ROOT/scripts/setup.sh"
cd "$ROOT"
BENCH=(dotnet run -c Release --no-build --project tests/WebAvatar.Benchmarks --)
if [ "${1:-}" = "soak" ]; then
  shift
  dotnet build src/WebAvatar.Web -c Release --nologo -v q >/dev/null
  dotnet build tests/WebAvatar.Benchmarks -c Release --nologo -v q >/dev/null
  exec "${BENCH[@]}" bench soak "$@"
fi
dotnet build WebAvatar.sln -c Release --nologo -v q --no-restore >/dev/null
OUT="$ROOT/bench-results"
mkdir -p "$OUT"
REPORT="$OUT/latest.md"

{
  echo "# WebAvatar benchmark report"
  echo
  echo "- commit: $(git rev-parse --short HEAD)  date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  for spec in "tts 5" "lipsync 500" "encode 10 512" "whisper tiny,base 5 24" "webrtc-send"; do
    name=${spec%% *}
    echo "## bench $name"
    echo '```'
    "${BENCH[@]}" bench $spec 2>&1 | tail -n 40
    echo '```'
    echo
  done
  if [ "${BENCH_QUICK:-0}" != "1" ]; then
    echo "## bench wav2lip"
    echo '```'
    "${BENCH[@]}" bench wav2lip 2>&1 | tail -n 40
    echo '```'
    echo
  fi
  echo "## Browser (Debian Chromium, live app, our WebRTC peer)"
  echo '```'
  dotnet test tests/WebAvatar.Web.Tests -c Release --no-build --nologo --filter "FullyQualifiedName~Live" \
    --logger "console;verbosity=normal" 2>&1 | grep -E "click to connected|video .* fps|barge-in:|Passed |Failed " || true
  echo '```'
} | tee "$REPORT"
echo "report: $REPORT"
