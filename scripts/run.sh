#!/usr/bin/env bash
# One command to run WebAvatar on embedded defaults: installs what is missing, then serves
# http://localhost:5080 (override with URLS=http://0.0.0.0:8080).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/setup.sh"
# Voice input out of the box: a Whisper model when the internet is reachable (WEBAVATAR_NO_DOWNLOAD=1 skips it).
"$ROOT/scripts/fetch-voice-model.sh"
cd "$ROOT"
exec dotnet run --project src/WebAvatar.Web -c Release -- ${URLS:+--urls "$URLS"} "$@"
