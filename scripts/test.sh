#!/usr/bin/env bash
# One command to run every test: installs what is missing (including the test-only Debian
# packages: Chromium, nginx with the RTMP module, the PostgreSQL and Redis servers), builds, and runs all test projects.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXTRA_APT="chromium nginx libnginx-mod-rtmp postgresql redis-server ${EXTRA_APT:-}" "$ROOT/scripts/setup.sh"
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
failures = []
for t in sorted(glob.glob(sys.argv[1] + "/*.trx")):
    root = ET.parse(t).getroot()
    c = root.find(".//{*}Counters")
    if c is None: continue
    p += int(c.get("passed", 0)); f += int(c.get("failed", 0)) + int(c.get("error", 0)); s += int(c.get("notExecuted", 0))
    for r in root.iter():
        if r.tag.endswith("UnitTestResult") and r.get("outcome") == "Failed":
            message = next((m.text or "" for m in r.iter() if m.tag.endswith("Message")), "")
            failures.append((r.get("testName"), message.strip().splitlines()[:3]))
# The failures again at the very end, so that a log read from its tail still names them.
for name, message in failures:
    print(f"FAILED {name}")
    for line in message: print(f"    {line[:300]}")
print(f"{p} passed, {f} failed, {s} skipped")
PY
exit $status
