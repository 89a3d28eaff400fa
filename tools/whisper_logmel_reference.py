#!/usr/bin/python3
"""Independent numpy reference of Whisper's log-mel features, used to make the golden test fixture.

Semantics (openai-whisper / Hugging Face WhisperFeatureExtractor): pad or trim to 30 s at 16 kHz, STFT with a
periodic Hann window of 400, hop 160, centred with reflect padding, power spectrum, drop the last frame
(3000 frames), Slaney mel filterbank (librosa.filters.mel defaults: htk=False, norm='slaney'), fmin 0,
fmax 8000, log10(max(x, 1e-10)), max(x, max - 8), (x + 4) / 4.

The test signal is defined analytically so the C# test can rebuild it bit-for-bit:
  see reference_signal(); the same formula lives in the C# test.

  /usr/bin/python3 tools/whisper_logmel_reference.py tests/WebAvatar.Speech.Tests/Recognition/fixtures/logmel_golden.bin
Output: little-endian float32, [n_mels, frames] row-major, the first FRAMES_STORED frames only (the rest is padding).
"""
import sys

import numpy as np

SAMPLE_RATE = 16000
N_FFT = 400
HOP = 160
CHUNK_SAMPLES = 30 * SAMPLE_RATE
SIGNAL_SECONDS = 2.5
FRAMES_STORED = 260  # 250 frames of signal plus a few frames of padding


def reference_signal():
    n = np.arange(int(SIGNAL_SECONDS * SAMPLE_RATE), dtype=np.float64)
    t = n / SAMPLE_RATE
    chirp_phase = 2 * np.pi * (200 * t + 0.5 * 1200 * t * t)  # 200 Hz rising 1200 Hz/s
    envelope = 0.5 + 0.5 * np.sin(2 * np.pi * 3 * t)
    x = 0.3 * np.sin(2 * np.pi * 440 * t) + 0.2 * envelope * np.sin(chirp_phase) + 0.05 * np.sin(2 * np.pi * 3100 * t + 0.7)
    return x.astype(np.float32)


def hz_to_mel(f):
    f = np.asarray(f, dtype=np.float64)
    f_sp, min_log_hz, logstep = 200.0 / 3, 1000.0, np.log(6.4) / 27.0
    min_log_mel = min_log_hz / f_sp
    return np.where(f >= min_log_hz, min_log_mel + np.log(np.maximum(f, 1e-12) / min_log_hz) / logstep, f / f_sp)


def mel_to_hz(m):
    m = np.asarray(m, dtype=np.float64)
    f_sp, min_log_hz, logstep = 200.0 / 3, 1000.0, np.log(6.4) / 27.0
    min_log_mel = min_log_hz / f_sp
    return np.where(m >= min_log_mel, min_log_hz * np.exp(logstep * (m - min_log_mel)), f_sp * m)


def mel_filters(n_mels, fmin=0.0, fmax=8000.0):
    fft_freqs = np.linspace(0, SAMPLE_RATE / 2, N_FFT // 2 + 1)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2))
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fft_freqs[None, :]
    weights = np.zeros((n_mels, len(fft_freqs)))
    for i in range(n_mels):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        weights[i] = np.maximum(0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_f[2:n_mels + 2] - mel_f[:n_mels]))[:, None]
    return weights


def log_mel(audio, n_mels=80):
    audio = np.asarray(audio, dtype=np.float64)[:CHUNK_SAMPLES]
    audio = np.pad(audio, (0, CHUNK_SAMPLES - len(audio)))
    padded = np.pad(audio, (N_FFT // 2, N_FFT // 2), mode="reflect")
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)
    frames = 1 + (len(padded) - N_FFT) // HOP
    idx = np.arange(N_FFT)[None, :] + HOP * np.arange(frames)[:, None]
    spectrum = np.fft.rfft(padded[idx] * window, axis=1)
    power = (np.abs(spectrum) ** 2).T[:, :-1]
    mel = mel_filters(n_mels) @ power
    log_spec = np.log10(np.maximum(mel, 1e-10))
    log_spec = np.maximum(log_spec, log_spec.max() - 8.0)
    return ((log_spec + 4.0) / 4.0).astype(np.float32)


def main():
    out = sys.argv[1]
    mel = log_mel(reference_signal())
    assert mel.shape == (80, 3000), mel.shape
    np.ascontiguousarray(mel[:, :FRAMES_STORED]).astype("<f4").tofile(out)
    print(f"wrote {out}: 80 x {FRAMES_STORED} (of 3000) frames, min {mel.min():.4f} max {mel.max():.4f}")


if __name__ == "__main__":
    main()
