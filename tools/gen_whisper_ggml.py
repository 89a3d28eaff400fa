#!/usr/bin/python3
"""Writes a random-weight, Whisper-shaped model (tiny by default, --size base) in whisper.cpp's ggml format
(what Whisper.net loads), or converts the random weights of a gen_whisper_model.py ONNX model (--from-onnx), so
both engines run the very same weights (matrices stored as f16, as in whisper.cpp's own models).

Layout (as whisper.cpp reads it): int32 magic 0x67676d6c; 11 int32 hyper-parameters; the mel filter bank
(int32 n_mel, int32 n_fft, floats); the vocabulary (int32 count, then uint32 length + bytes per token); then
every tensor: int32 n_dims, int32 name length, int32 type (0 f32, 1 f16), the dimensions fastest first, the
name, the data. Matrices and conv kernels are f16; 1-D tensors, conv biases (as [d, 1]) and positional
embeddings are f32. Weights are small (std 0.02) so greedy decoding stays tame: the transcript is gibberish,
the compute cost is that of the real tiny model.

Deterministic for a given --seed. Debian's python3 + python3-numpy (+ python3-onnx for --from-onnx).
  /usr/bin/python3 tools/gen_whisper_ggml.py models/ggml-tiny-random.bin [--seed 0] [--corrupt truncate|magic]
  /usr/bin/python3 tools/gen_whisper_model.py /tmp/whisper-base --size base --tie-lm-head
  /usr/bin/python3 tools/gen_whisper_ggml.py /tmp/ggml-base.bin --from-onnx /tmp/whisper-base
"""
import argparse
import json
import os
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
SIZES = {"tiny": dict(d_model=384, heads=6, layers=4), "base": dict(d_model=512, heads=8, layers=6)}


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


def onnx_source(model_dir):
    """(tokens, tensor function, d_model, heads, layers) from a gen_whisper_model.py folder made with --tie-lm-head.

    Its initializers are named after the generator's hints plus a counter ("enc0_q_w_12"); linear weights are stored
    [in, out] for MatMul, PyTorch (and ggml's converter) keeps them [out, in], hence the transposes.
    """
    import onnx
    from onnx import numpy_helper

    with open(os.path.join(model_dir, "config.json"), encoding="utf-8") as fh:
        config = json.load(fh)
    if not config.get("tie_word_embeddings"):
        raise SystemExit(f"{model_dir}: made without --tie-lm-head; whisper.cpp takes logits from the token embedding")
    d, heads, layers = config["d_model"], config["encoder_attention_heads"], config["encoder_layers"]
    if config["vocab_size"] != N_VOCAB or config["num_mel_bins"] != N_MELS or config["decoder_layers"] != layers:
        raise SystemExit(f"{model_dir}: vocabulary {config['vocab_size']}, {config['num_mel_bins']} mels: not a multilingual Whisper shape")

    found = {}
    for file in ("encoder_model.onnx", "decoder_model_merged.onnx"):
        for init in onnx.load(os.path.join(model_dir, file)).graph.initializer:
            hint = init.name.rsplit("_", 1)[0]
            found.setdefault(hint, []).append(init)

    def get(hint):
        inits = found.get(hint, [])
        if len(inits) != 1:
            raise SystemExit(f"{model_dir}: expected one initializer '{hint}_N', found {len(inits)}")
        return numpy_helper.to_array(inits[0]).astype(np.float32)

    if not np.array_equal(get("lm_head_w"), get("tok_emb").T):
        raise SystemExit(f"{model_dir}: its output head is not the transposed token embedding")
    if np.any(get("logit_bias")):
        raise SystemExit(f"{model_dir}: made with --logit-bias; whisper.cpp has no logit bias")

    def linear(ggml_prefix, hint):
        pairs = {f"{ggml_prefix}.weight": lambda: get(hint + "_w").T}
        if hint + "_bias" in found:
            pairs[f"{ggml_prefix}.bias"] = lambda: get(hint + "_bias")
        return pairs

    def norm(ggml_prefix, hint):
        return {f"{ggml_prefix}.weight": lambda: get(hint + "_g"), f"{ggml_prefix}.bias": lambda: get(hint + "_b")}

    table = {
        "encoder.positional_embedding": lambda: get("enc_pos"),
        "encoder.conv1.weight": lambda: get("conv1_w"),
        "encoder.conv1.bias": lambda: get("conv1_b").reshape(d, 1),
        "encoder.conv2.weight": lambda: get("conv2_w"),
        "encoder.conv2.bias": lambda: get("conv2_b").reshape(d, 1),
        "decoder.positional_embedding": lambda: get("dec_pos"),
        "decoder.token_embedding.weight": lambda: get("tok_emb"),
    }
    table.update(norm("encoder.ln_post", "enc_lnf"))
    table.update(norm("decoder.ln", "dec_lnf"))
    for i in range(layers):
        e, g = f"encoder.blocks.{i}", f"enc{i}"
        table.update(norm(f"{e}.attn_ln", f"{g}_ln1"))
        for ggml_name, hint in (("query", "q"), ("key", "k"), ("value", "v"), ("out", "attn_out")):
            table.update(linear(f"{e}.attn.{ggml_name}", f"{g}_{hint}"))
        table.update(norm(f"{e}.mlp_ln", f"{g}_ln2"))
        table.update(linear(f"{e}.mlp.0", f"{g}_mlp_fc1"))
        table.update(linear(f"{e}.mlp.2", f"{g}_mlp_fc2"))
        b, g = f"decoder.blocks.{i}", f"dec{i}"
        table.update(norm(f"{b}.attn_ln", f"{g}_ln1"))
        for ggml_name, hint in (("query", "q"), ("key", "k"), ("value", "v"), ("out", "self_out")):
            table.update(linear(f"{b}.attn.{ggml_name}", f"{g}_{hint}"))
        table.update(norm(f"{b}.cross_attn_ln", f"{g}_ln2"))
        table.update(linear(f"{b}.cross_attn.query", f"{g}_cq"))
        table[f"{b}.cross_attn.key.weight"] = lambda g=g: get(f"{g}_cross_key_w").T
        table[f"{b}.cross_attn.value.weight"] = lambda g=g: get(f"{g}_cross_value_w").T
        table[f"{b}.cross_attn.value.bias"] = lambda g=g: get(f"{g}_cross_v_bias")
        table.update(linear(f"{b}.cross_attn.out", f"{g}_cross_out"))
        table.update(norm(f"{b}.mlp_ln", f"{g}_ln3"))
        table.update(linear(f"{b}.mlp.0", f"{g}_mlp_fc1"))
        table.update(linear(f"{b}.mlp.2", f"{g}_mlp_fc2"))

    def tensor(name, shape):
        data = table[name]()
        if data.shape != shape:
            raise SystemExit(f"{model_dir}: {name} has shape {data.shape}, whisper.cpp expects {shape}")
        return np.ascontiguousarray(data)

    # The same token strings, so both engines' transcripts read alike (GPT-2 byte-level symbols back to bytes).
    with open(os.path.join(model_dir, "vocab.json"), encoding="utf-8") as fh:
        vocab = json.load(fh)
    char_byte = {c: b for b, c in bytes_to_unicode().items()}
    tokens = [b""] * TEXT_VOCAB
    for text, token_id in vocab.items():
        if token_id < TEXT_VOCAB:
            tokens[token_id] = bytes(char_byte[c] for c in text)
    return tokens, tensor, d, heads, layers


def bytes_to_unicode():
    """GPT-2's reversible byte <-> printable character table (as tools/gen_whisper_model.py)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def write_model(path, seed, d, heads, layers, source=None):
    """Random weights for (d, heads, layers), or those of source = onnx_source(...)."""
    rng = np.random.default_rng(seed)
    if source is not None:
        tokens, tensor, d, heads, layers = source
    else:
        tokens, tensor = vocabulary(rng), lambda name, shape: random_tensor(rng, name, shape)
    with open(path, "wb") as f:
        f.write(struct.pack("<i", MAGIC))
        hparams = [N_VOCAB, N_AUDIO_CTX, d, heads, layers, N_TEXT_CTX, d, heads, layers, N_MELS, 1]
        f.write(struct.pack("<11i", *hparams))
        filters = slaney_mel_filters()
        f.write(struct.pack("<ii", *filters.shape))
        f.write(filters.astype("<f4").tobytes())
        f.write(struct.pack("<i", len(tokens)))
        for token in tokens:
            f.write(struct.pack("<I", len(token)))
            f.write(token)
        for name, shape in tensor_specs(d, layers, N_VOCAB):
            data = tensor(name, shape)
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
    parser.add_argument("--size", choices=sorted(SIZES), help="the real dimensions of a Whisper size (default tiny)")
    parser.add_argument("--d-model", type=int, default=384)
    parser.add_argument("--heads", type=int, default=6)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--from-onnx", metavar="DIR",
                        help="take shapes, weights and vocabulary from a gen_whisper_model.py folder made with --tie-lm-head")
    parser.add_argument("--corrupt", choices=["magic", "truncate"], help="damage the file (for error-path tests)")
    args = parser.parse_args()
    if args.size:
        for k, v in SIZES[args.size].items():
            setattr(args, k, v)
    source = onnx_source(args.from_onnx) if args.from_onnx else None
    write_model(args.out, args.seed, args.d_model, args.heads, args.layers, source)
    if args.corrupt:
        corrupt(args.out, args.corrupt)


if __name__ == "__main__":
    main()
