#!/usr/bin/env bash
# Fetches a Whisper model in whisper.cpp's ggml format (MIT licence) into models/ggml-<size>.bin, so voice input works
# on a fresh install. Called by run.sh; never by the tests. Never fails the caller: without internet (or with
# WEBAVATAR_NO_DOWNLOAD=1) it says why and returns, and the chat page falls back to the browser's speech recognition.
#
# usage: scripts/fetch-voice-model.sh [tiny|tiny.en|base|base.en]   (default: base.en, or $WEBAVATAR_WHISPER_SIZE)
# The SHA-1 of each file is checked against whisper.cpp's published table (models/README.md of ggml-org/whisper.cpp).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

log() { printf '\033[1;34m[voice]\033[0m %s\n' "$*"; }
SIZE="${1:-${WEBAVATAR_WHISPER_SIZE:-base.en}}"
declare -A SHA1=(
  [tiny]=bd577a113a864445d4c299885e0cb97d4ba92b5f
  [tiny.en]=c78c86eb1a8faa21b369bcd33207cc90d64ae9df
  [base]=465707469ff3a37a2b9b8d8f89f2f99de7299dac
  [base.en]=137c40403d78fd54d454da0f9bd998f78703390c
)
want="${SHA1[$SIZE]:-}"
if [ -z "$want" ]; then
  log "unknown Whisper size '$SIZE' (known: ${!SHA1[*]}); skipping"
  exit 0
fi

dest="models/ggml-$SIZE.bin"
if [ -s "$dest" ]; then
  exit 0
fi
if ls models/ggml-*.bin >/dev/null 2>&1; then
  exit 0 # another ggml model is already installed
fi
if [ "${WEBAVATAR_NO_DOWNLOAD:-0}" = "1" ]; then
  log "WEBAVATAR_NO_DOWNLOAD=1: not fetching a Whisper model; the chat page will use the browser's speech recognition"
  exit 0
fi
command -v curl >/dev/null || { log "curl is missing: not fetching a Whisper model"; exit 0; }

url="https://huggingface.co/ggerganov/whisper.cpp/resolve/main/ggml-$SIZE.bin"
mkdir -p models
log "fetching Whisper $SIZE (whisper.cpp ggml, MIT, ~75-142 MB) for voice input; set WEBAVATAR_NO_DOWNLOAD=1 to skip"
if ! curl -fL --connect-timeout 5 --retry 2 --progress-bar --continue-at - -o "$dest.part" "$url"; then
  log "could not fetch $url (offline?); voice input will use the browser's speech recognition until a model is in models/"
  exit 0
fi
got=$(sha1sum "$dest.part" | cut -d' ' -f1)
if [ "$got" != "$want" ]; then
  log "checksum mismatch for ggml-$SIZE.bin (got $got, expected $want); deleted, not used"
  rm -f "$dest.part"
  exit 0
fi
mv "$dest.part" "$dest"
log "verified sha1 $got: $dest"
