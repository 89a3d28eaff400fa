#!/usr/bin/python3
"""Writes a random-weight, whisper-tiny-shaped model in whisper.cpp's ggml format (what Whisper.net loads).

Layout (as whisper.cpp reads it): int32 magic 0x67676d6c; 11 int32 hyper-parameters; the mel filter bank
(int32 n_mel, int32 n_fft, floats); the vocabulary (int32 count, then uint32 length + bytes per token); then
every tensor: int32 n_dims, int32 name length, int32 type (0 f32, 1 f16), the dimensions fastest first, the
name, the data. Matrices and conv kernels are f16; 1-D tensors, conv biases (as [d, 1]) and positional
embeddings are f32. Weights are small (std 0.02) so greedy decoding stays tame: the transcript is gibberish,
the compute cost is that of the real tiny model.

Deterministic for a given --seed. Debian's python3 + python3-numpy only.
  /usr/bin/python3 tools/gen_whisper_ggml.py models/ggml-tiny-random.bin [--seed 0] [--corrupt truncate|magic]
"""
import argparse
import struct

import numpy as np

MAGIC = 0x67676D6C
N_VOCAB = 51865  # multilingual
TEXT_VOCAB = 50257  # tokens stored in the file; whisper.cpp names the special ones after them
N_AUDIO_CTX = 1500
N_TEXT_CTX = 448
N_MELS = 80
N_FFT_BINS = 201
SAMPLE_RATE = 16000


def slaney_mel_filters(n_mels=N_MELS, n_bins=N_FFT_BINS, sr=SAMPLE_RATE):
    """librosa.filters.mel(sr=16000, n_fft=400, n_mels=80) (Slaney scale and area normalisation)."""

    def hz_to_mel(f):
        f = np.asarray(f, dtype=np.float64)
        mel = f / (200.0 / 3)
        log_region = f >= 1000.0
        return np.where(log_region, 15.0 + np.log(np.maximum(f, 1e-10) / 1000.0) / (np.log(6.4) / 27.0), mel)

    def mel_to_hz(m):
        m = np.asarray(m, dtype=np.float64)
        f = m * (200.0 / 3)
        log_region = m >= 15.0
        return np.where(log_region, 1000.0 * np.exp((np.log(6.4) / 27.0) * (m - 15.0)), f)

    fft_freqs = np.linspace(0, sr / 2, n_bins)
    mel_points = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(sr / 2), n_mels + 2))
    widths = np.diff(mel_points)
    ramps = mel_points[:, None] - fft_freqs[None, :]
    lower = -ramps[:-2] / widths[:-1, None]
    upper = ramps[2:] / widths[1:, None]
    weights = np.maximum(0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_points[2 : n_mels + 2] - mel_points[:n_mels]))[:, None]
    return weights.astype(np.float32)


def vocabulary(rng):
    """Byte tokens first (as in the real vocabulary), then short lowercase pieces: decodes to readable gibberish."""
    letters = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
    tokens = [bytes([b]) for b in range(256)]
    lengths = rng.integers(2, 7, size=TEXT_VOCAB - 256)
    picks = rng.integers(0, len(letters), size=int(lengths.sum()))
    pos = 0
    for i, n in enumerate(lengths):
        word = letters[picks[pos : pos + n]].tobytes()
        pos += n
        tokens.append((b" " + word) if i % 2 == 0 else word)
    return tokens


def tensor_specs(d, layers, n_vocab):
    """(name, numpy shape) in the order the converter writes them; shapes as PyTorch has them."""
    specs = [
        ("encoder.positional_embedding", (N_AUDIO_CTX, d)),
        ("encoder.conv1.weight", (d, N_MELS, 3)),
        ("encoder.conv1.bias", (d, 1)),
        ("encoder.conv2.weight", (d, d, 3)),
        ("encoder.conv2.bias", (d, 1)),
    ]

    def attention(prefix):
        return [
            (f"{prefix}.query.weight", (d, d)),
            (f"{prefix}.query.bias", (d,)),
            (f"{prefix}.key.weight", (d, d)),
            (f"{prefix}.value.weight", (d, d)),
            (f"{prefix}.value.bias", (d,)),
            (f"{prefix}.out.weight", (d, d)),
            (f"{prefix}.out.bias", (d,)),
        ]

    def mlp(prefix):
        return [
            (f"{prefix}.mlp_ln.weight", (d,)),
            (f"{prefix}.mlp_ln.bias", (d,)),
            (f"{prefix}.mlp.0.weight", (4 * d, d)),
            (f"{prefix}.mlp.0.bias", (4 * d,)),
            (f"{prefix}.mlp.2.weight", (d, 4 * d)),
            (f"{prefix}.mlp.2.bias", (d,)),
        ]

    for i in range(layers):
        p = f"encoder.blocks.{i}"
        specs += [(f"{p}.attn_ln.weight", (d,)), (f"{p}.attn_ln.bias", (d,))] + attention(f"{p}.attn") + mlp(p)
    specs += [("encoder.ln_post.weight", (d,)), ("encoder.ln_post.bias", (d,))]
    specs += [("decoder.positional_embedding", (N_TEXT_CTX, d)), ("decoder.token_embedding.weight", (n_vocab, d))]
    for i in range(layers):
        p = f"decoder.blocks.{i}"
        specs += [(f"{p}.attn_ln.weight", (d,)), (f"{p}.attn_ln.bias", (d,))] + attention(f"{p}.attn")
        specs += [(f"{p}.cross_attn_ln.weight", (d,)), (f"{p}.cross_attn_ln.bias", (d,))] + attention(f"{p}.cross_attn")
        specs += mlp(p)
    specs += [("decoder.ln.weight", (d,)), ("decoder.ln.bias", (d,))]
    return specs


def is_f32(name, shape):
    return len(shape) < 2 or name.endswith("positional_embedding") or name in ("encoder.conv1.bias", "encoder.conv2.bias")


def random_tensor(rng, name, shape):
    if name.endswith("ln.weight") or name.endswith("_ln.weight") or name.endswith("ln_post.weight"):
        return np.ones(shape, dtype=np.float32)
    if name.endswith("positional_embedding"):
        # Sinusoids, as the real encoder uses: keeps positions distinguishable.
        length, channels = shape
        scales = np.exp(-np.log(10000) / (channels // 2 - 1) * np.arange(channels // 2))
        t = np.arange(length)[:, None] * scales[None, :]
        return np.concatenate([np.sin(t), np.cos(t)], axis=1).astype(np.float32) * 0.1
    if name.endswith(".bias"):
        return np.zeros(shape, dtype=np.float32)
    return (rng.standard_normal(shape, dtype=np.float32) * 0.02).astype(np.float32)


def write_model(path, seed, d, heads, layers):
    rng = np.random.default_rng(seed)
    with open(path, "wb") as f:
        f.write(struct.pack("<i", MAGIC))
        hparams = [N_VOCAB, N_AUDIO_CTX, d, heads, layers, N_TEXT_CTX, d, heads, layers, N_MELS, 1]
        f.write(struct.pack("<11i", *hparams))
        filters = slaney_mel_filters()
        f.write(struct.pack("<ii", *filters.shape))
        f.write(filters.astype("<f4").tobytes())
        tokens = vocabulary(rng)
        f.write(struct.pack("<i", len(tokens)))
        for token in tokens:
            f.write(struct.pack("<I", len(token)))
            f.write(token)
        for name, shape in tensor_specs(d, layers, N_VOCAB):
            data = random_tensor(rng, name, shape)
            f32 = is_f32(name, shape)
            encoded = name.encode("utf-8")
            f.write(struct.pack("<iii", len(shape), len(encoded), 0 if f32 else 1))
            f.write(struct.pack(f"<{len(shape)}i", *reversed(shape)))
            f.write(encoded)
            f.write(data.astype("<f4" if f32 else "<f2").tobytes())


def corrupt(path, how):
    if how == "magic":
        with open(path, "r+b") as f:
            f.write(b"NOPE")
    elif how == "truncate":
        with open(path, "r+b") as f:
            f.seek(0, 2)
            f.truncate(f.tell() // 2)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", help="output file, e.g. models/ggml-tiny-random.bin")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--d-model", type=int, default=384)
    parser.add_argument("--heads", type=int, default=6)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--corrupt", choices=["magic", "truncate"], help="damage the file (for error-path tests)")
    args = parser.parse_args()
    write_model(args.out, args.seed, args.d_model, args.heads, args.layers)
    if args.corrupt:
        corrupt(args.out, args.corrupt)


if __name__ == "__main__":
    main()
