#!/usr/bin/python3
"""Golden Wav2Lip mel spectrogram, written independently of the C# code with librosa's semantics
(audio.py of Wav2Lip: preemphasis, librosa.stft, librosa.filters.mel, _amp_to_db, _normalize).

Signal: 1.3 s at 16 kHz, a deterministic mix (chirp + two tones + LCG noise) scaled to int16 and back,
exactly what the C# test builds. Writes a text fixture: a header line "rows cols" then one row per mel band.

    /usr/bin/python3 tools/wav2lip_mel_reference.py tests/WebAvatar.LipSync.Tests/Wav2Lip/Fixtures/mel_golden.txt
"""
import sys

import numpy as np

SR, N_FFT, HOP, WIN, N_MELS, FMIN, FMAX = 16000, 800, 200, 800, 80, 55.0, 7600.0
PREEMPHASIS, REF_LEVEL_DB, MIN_LEVEL_DB, MAX_ABS = 0.97, 20.0, -100.0, 4.0


def test_signal():
    n = int(1.3 * SR)
    t = np.arange(n) / SR
    chirp = np.sin(2 * np.pi * (100 * t + 0.5 * 1500 * t * t))
    tones = 0.5 * np.sin(2 * np.pi * 440 * t) + 0.25 * np.sin(2 * np.pi * 3000 * t)
    state, noise = 12345, np.empty(n)
    for i in range(n):  # 32-bit LCG, reproduced bit-exactly in C#
        state = (state * 1103515245 + 12345) & 0xFFFFFFFF
        noise[i] = ((state >> 16) & 0x7FFF) / 32767.0 - 0.5
    x = 0.3 * chirp + 0.3 * tones + 0.1 * noise
    envelope = np.where(t < 0.2, 0.0, 1.0)  # a silent start exercises the 1e-5 floor
    pcm = np.round(x * envelope * 32767 * 0.8).astype(np.int16)
    return pcm.astype(np.float64) / 32768.0


def hz_to_mel(f):  # Slaney: linear below 1 kHz, logarithmic above
    f = np.asarray(f, dtype=np.float64)
    f_sp, min_log_hz, logstep = 200.0 / 3, 1000.0, np.log(6.4) / 27.0
    mel = f / f_sp
    return np.where(f >= min_log_hz, min_log_hz / f_sp + np.log(np.maximum(f, 1e-10) / min_log_hz) / logstep, mel)


def mel_to_hz(m):
    m = np.asarray(m, dtype=np.float64)
    f_sp, min_log_hz, logstep = 200.0 / 3, 1000.0, np.log(6.4) / 27.0
    min_log_mel = min_log_hz / f_sp
    return np.where(m >= min_log_mel, min_log_hz * np.exp(logstep * (m - min_log_mel)), f_sp * m)


def mel_basis():
    fft_freqs = np.linspace(0, SR / 2, N_FFT // 2 + 1)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(FMIN), hz_to_mel(FMAX), N_MELS + 2))
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fft_freqs[None, :]
    weights = np.zeros((N_MELS, len(fft_freqs)))
    for i in range(N_MELS):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        weights[i] = np.maximum(0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_f[2:N_MELS + 2] - mel_f[:N_MELS]))[:, None]  # slaney area normalisation
    return weights


def stft_magnitude(y):
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(WIN) / WIN)  # periodic Hann (fftbins=True)
    padded = np.pad(y, N_FFT // 2, mode="reflect")
    frames = 1 + (len(padded) - N_FFT) // HOP
    out = np.empty((N_FFT // 2 + 1, frames))
    for f in range(frames):
        out[:, f] = np.abs(np.fft.rfft(padded[f * HOP:f * HOP + N_FFT] * window))
    return out


def wav2lip_mel(y):
    emphasized = np.append(y[0], y[1:] - PREEMPHASIS * y[:-1])  # scipy.signal.lfilter([1, -k], [1], y)
    mel = mel_basis() @ stft_magnitude(emphasized)
    db = 20 * np.log10(np.maximum(1e-5, mel)) - REF_LEVEL_DB
    return np.clip(2 * MAX_ABS * ((db - MIN_LEVEL_DB) / -MIN_LEVEL_DB) - MAX_ABS, -MAX_ABS, MAX_ABS)


def main():
    mel = wav2lip_mel(test_signal())
    with open(sys.argv[1], "w") as f:
        f.write(f"{mel.shape[0]} {mel.shape[1]}\n")
        for row in mel:
            f.write(" ".join(f"{v:.5f}" for v in row) + "\n")
    print(f"{sys.argv[1]}: {mel.shape}, range {mel.min():.3f}..{mel.max():.3f}")


if __name__ == "__main__":
    main()
