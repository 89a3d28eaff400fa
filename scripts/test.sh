#!/usr/bin/env bash
# One command to run every test: installs what is missing (including the test-only Debian
# packages: Chromium, nginx with the RTMP module, the PostgreSQL server), builds, and runs all test projects.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXTRA_APT="chromium nginx libnginx-mod-rtmp postgresql ${EXTRA_APT:-}" "$ROOT/scripts/setup.sh"
cd "$ROOT"
dotnet build WebAvatar.sln -c Release --nologo -v q --no-restore
RESULTS="$ROOT/artifacts/test-results"
rm -rf "$RESULTS"; mkdir -p "$RESULTS"
status=0
# One project at a time: several tests measure real-time behaviour (fps, A/V sync, pacing) and
# would measure the other projects' load instead on a 2-core machine.
for project in tests/*.Tests/*.csproj; do
  name=$(basename "$project" .csproj)
  echo "=== $name"
  dotnet test "$project" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --results-directory "$RESULTS" \
    --logger "console;verbosity=normal" "$@" || status=1
done
# One plain closing line over all test projects.
python3 - "$RESULTS" <<'PY' || true
import sys, glob, xml.etree.ElementTree as ET
p = f = s = 0
for t in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(t).getroot().find(".//{*}Counters")
    if c is None: continue
    p += int(c.get("passed", 0)); f += int(c.get("failed", 0)) + int(c.get("error", 0)); s += int(c.get("notExecuted", 0))
print(f"{p} passed, {f} failed, {s} skipped")
PY
exit $status
