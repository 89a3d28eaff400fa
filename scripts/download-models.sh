#!/usr/bin/env bash
# Downloads the optional, larger models into models/ (needs internet; tests never run this):
#   Whisper (speech recognition)   models/whisper-<size>/      from huggingface.co/onnx-community/whisper-<size>
#   Piper voice (text to speech)   models/piper/<voice>.onnx(.json) from huggingface.co/rhasspy/piper-voices
#   Whisper ggml (whisper.cpp)     models/ggml-<size>.bin      via scripts/fetch-voice-model.sh (what run.sh fetches)
#   Wav2Lip (lip sync, 96x96)      models/wav2lip_gan.onnx     only with --wav2lip (see its licence below)
#   YuNet face detector            models/face_detection_yunet_2023mar.onnx from github.com/opencv/opencv_zoo
# Licences: Whisper MIT; Piper voices per voice (lessac: see its MODEL_CARD); Wav2Lip weights are for
# NON-COMMERCIAL use only (Rudrabha/Wav2Lip licence); YuNet MIT.
#
# usage: scripts/download-models.sh [--whisper tiny,base|none] [--ggml base.en|none] [--quantized] [--piper VOICE|none] [--wav2lip] [--no-yunet]
# Files already present are kept. A SHA-256 is checked where a published one is listed below; otherwise the
# computed SHA-256 is printed so you can pin it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

WHISPER_SIZES="base"
QUANTIZED=0
PIPER_VOICE="en_US-lessac-medium"
WAV2LIP=0
GGML=base.en
YUNET=1
while [ $# -gt 0 ]; do
  case "$1" in
    --whisper) WHISPER_SIZES="$2"; shift 2 ;;
    --quantized) QUANTIZED=1; shift ;;
    --piper) PIPER_VOICE="$2"; shift 2 ;;
    --wav2lip) WAV2LIP=1; shift ;;
    --no-wav2lip) WAV2LIP=0; shift ;;
    --ggml) GGML="$2"; shift 2 ;;
    --no-yunet) YUNET=0; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done

HF=https://huggingface.co
# Pinned revisions, so a listed checksum keeps matching.
declare -A WHISPER_REVISION=(
  [tiny]=ff4177021cc41f7db950912b73ea4fdf7d01d8e7   # cited by huggingface.co/KitsuMate/whisper-tiny-onnx
  [base]=main
  [small]=main
)
WAV2LIP_REVISION=921db35c2c6acdeb4c21c773e4342c00e8985bae
# Published SHA-256 values (source in the comment). Add more only from a citable source.
declare -A SHA256=(
  # huggingface.co/KitsuMate/whisper-tiny-onnx model card: onnx/encoder_model.onnx of onnx-community/whisper-tiny@ff41770, 32,904,992 bytes
  [models/whisper-tiny/encoder_model.onnx]=6642befb640f950d4a8cbbd17834d59e7e75f575b81ccf213e06b050623ab1dd
)

log() { printf '\033[1;34m[models]\033[0m %s\n' "$*"; }
command -v curl >/dev/null || { echo "curl is required" >&2; exit 1; }

fetch() { # url dest
  local url="$1" dest="$2"
  mkdir -p "$(dirname "$dest")"
  if [ -s "$dest" ]; then
    log "have $dest"
  else
    log "downloading $url"
    curl -fL --retry 3 --continue-at - -o "$dest.part" "$url"
    mv "$dest.part" "$dest"
  fi
  local sum
  sum=$(sha256sum "$dest" | cut -d' ' -f1)
  local want="${SHA256[$dest]:-}"
  if [ -n "$want" ]; then
    if [ "$sum" != "$want" ]; then
      echo "SHA-256 mismatch for $dest: got $sum, expected $want; deleting it" >&2
      rm -f "$dest"
      exit 1
    fi
    log "  verified sha256 $sum"
  else
    log "  sha256 $sum ($(du -h "$dest" | cut -f1), no published checksum to compare)"
  fi
}

if [ "$WHISPER_SIZES" != "none" ]; then
  IFS=',' read -ra sizes <<< "$WHISPER_SIZES"
  for size in "${sizes[@]}"; do
    rev="${WHISPER_REVISION[$size]:-main}"
    base="$HF/onnx-community/whisper-$size/resolve/$rev"
    dir="models/whisper-$size"
    for f in tokenizer.json vocab.json merges.txt added_tokens.json special_tokens_map.json generation_config.json config.json; do
      fetch "$base/$f" "$dir/$f"
    done
    fetch "$base/onnx/encoder_model.onnx" "$dir/encoder_model.onnx"
    fetch "$base/onnx/decoder_model_merged.onnx" "$dir/decoder_model_merged.onnx"
    if [ "$QUANTIZED" = 1 ]; then
      fetch "$base/onnx/encoder_model_quantized.onnx" "$dir/encoder_model_quantized.onnx"
      fetch "$base/onnx/decoder_model_merged_quantized.onnx" "$dir/decoder_model_merged_quantized.onnx"
    fi
  done
fi

if [ "$PIPER_VOICE" != "none" ]; then
  # Voice names are lang_REGION-name-quality; the repository nests them as lang/lang_REGION/name/quality/.
  IFS='-' read -r region name quality <<< "$PIPER_VOICE"
  [ -n "${quality:-}" ] || { echo "--piper expects lang_REGION-name-quality, e.g. en_US-lessac-medium" >&2; exit 2; }
  lang="${region%%_*}"
  url="$HF/rhasspy/piper-voices/resolve/main/$lang/$region/$name/$quality/$PIPER_VOICE"
  fetch "$url.onnx" "models/piper/$PIPER_VOICE.onnx"
  fetch "$url.onnx.json" "models/piper/$PIPER_VOICE.onnx.json"
fi

if [ "$GGML" != "none" ]; then
  "$ROOT/scripts/fetch-voice-model.sh" "$GGML"
fi

if [ "$WAV2LIP" = 1 ]; then
  log "Wav2Lip weights (Rudrabha/Wav2Lip, trained on LRS2) are licensed for RESEARCH AND NON-COMMERCIAL USE ONLY."
  log "You asked for them with --wav2lip; do not use them in a commercial product."
  fetch "$HF/bluefoxcreation/Wav2lip-Onnx/resolve/$WAV2LIP_REVISION/wav2lip_gan.onnx" "models/wav2lip_gan.onnx"
fi

if [ "$YUNET" = 1 ]; then
  fetch "https://github.com/opencv/opencv_zoo/raw/main/models/face_detection_yunet/face_detection_yunet_2023mar.onnx" "models/face_detection_yunet_2023mar.onnx"
fi

if [ "$WAV2LIP" = 0 ]; then
  log "Wav2Lip not fetched: its weights are for non-commercial use only; add --wav2lip to fetch them anyway"
fi

log "done; models/ now holds:"
find models -type f \( -name '*.onnx' -o -name '*.json' -o -name '*.bin' \) -printf '  %p (%s bytes)\n' | sort
