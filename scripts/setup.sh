#!/usr/bin/env bash
# Installs everything WebAvatar needs on a fresh Debian 12 machine, idempotently:
# Debian packages, the Silero VAD model (npm @ricky0123/vad-web), the default avatar
# (public-domain NASA portrait from Debian's python3-skimage) with its face analysis and matte, and the .NET packages.
# Used by run.sh and test.sh; safe to run again.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# Runtime packages for the app; test-only packages are added by test.sh through EXTRA_APT.
APT_PACKAGES=(espeak-ng libespeak-ng1 ffmpeg libavcodec59 libopus0 libgtk-3-0 opencv-data sox python3-numpy python3-onnx ${EXTRA_APT:-})
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

command -v dotnet >/dev/null || { echo "dotnet SDK 10 is required (https://dot.net)"; exit 1; }
command -v npm >/dev/null || { log "installing npm"; DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq npm >/dev/null; }

mkdir -p models

# Silero VAD v5 ships inside the npm package (MIT licence).
VAD_VERSION=0.0.31
if [ ! -s models/silero_vad_v5.onnx ]; then
  log "fetching Silero VAD v5 from npm @ricky0123/vad-web@$VAD_VERSION"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack "@ricky0123/vad-web@$VAD_VERSION" --silent >/dev/null && tar xzf ricky0123-vad-web-*.tgz package/dist/silero_vad_v5.onnx package/LICENSE.md 2>/dev/null || tar xzf ricky0123-vad-web-*.tgz package/dist/silero_vad_v5.onnx)
  cp "$tmp/package/dist/silero_vad_v5.onnx" models/silero_vad_v5.onnx
  rm -rf "$tmp"
fi

# Default avatar: skimage's astronaut.png (Eileen Collins, NASA, public domain; wwwroot-assets/avatars/default/SOURCE.md).
AVATAR=wwwroot-assets/avatars/default/avatar.png
rm -f wwwroot-assets/avatars/default/SOURCE.txt # written here before SOURCE.md was committed
if [ ! -s "$AVATAR" ]; then
  log "extracting the default avatar from Debian python3-skimage"
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download python3-skimage >/dev/null 2>&1 || { $SUDO apt-get update -qq && apt-get download python3-skimage >/dev/null; })
  dpkg -x "$tmp"/python3-skimage_*.deb "$tmp/x"
  cp "$tmp/x/usr/lib/python3/dist-packages/skimage/data/astronaut.png" "$AVATAR"
  rm -rf "$tmp"
fi

if [ "${SKIP_RESTORE:-0}" != "1" ]; then
  log "dotnet restore"
  dotnet restore WebAvatar.sln --nologo -v q
fi
# The default avatar's face analysis and background matte (webavatar prepare), so its first chat starts without waiting
# for them; nothing is built or run when the avatar cache (Avatar:CacheDirectory's default) already holds both.
# SKIP_PREPARE=1 skips this step.
if [ "${SKIP_PREPARE:-0}" != "1" ]; then
  entry="wwwroot-assets/avatar-cache/$(sha256sum "$AVATAR" | cut -d' ' -f1)"
  if [ -s "$entry/face.json" ] && [ -s "$entry/matte.json" ]; then
    log "default avatar already prepared ($entry)"
  else
    log "preparing the default avatar (face analysis and background matte)"
    "$ROOT/scripts/webavatar" prepare --avatar "$AVATAR" || log "warning: the default avatar could not be prepared; its first session will do it"
  fi
fi
log "ready"
