#!/usr/bin/python3
"""Generates a small Whisper-architecture model folder with random weights.

The folder has the same file names, tensor names, shapes and dtypes as the Hugging Face optimum /
onnx-community exports (encoder_model.onnx, decoder_model_merged.onnx with use_cache_branch and
present.* outputs, vocab.json, tokenizer.json, added_tokens.json, generation_config.json,
config.json), so the C# engine can be tested and benchmarked without downloading a real model.
Weights are random: the transcripts are meaningless, the compute cost is real.

Run with Debian's python3 (python3-onnx 1.12, python3-numpy); opset 17.
  /usr/bin/python3 tools/gen_whisper_model.py OUT_DIR --size tiny
  /usr/bin/python3 tools/gen_whisper_model.py OUT_DIR --size base --tie-lm-head   # then gen_whisper_ggml.py --from-onnx OUT_DIR
  /usr/bin/python3 tools/gen_whisper_model.py OUT_DIR --d-model 64 --layers 2 --heads 4 --text-vocab 400
"""
import argparse
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
MAX_TARGET_POSITIONS = 448
ENCODER_FRAMES = 3000
ENCODER_POSITIONS = ENCODER_FRAMES // 2

LANGUAGES = (
    "en zh de es ru ko fr ja pt tr pl ca nl ar sv it id hi fi vi he uk el ms cs ro da hu ta no th ur hr bg "
    "lt la mi ml cy sk te fa lv bn sr az sl kn et mk br eu is hy ne mn bs kk sq sw gl mr pa si km sn yo so "
    "af oc ka be tg sd gu am yi lo uz fo ht ps tk nn mt sa lb my bo tl mg as tt haw ln ha ba jw su"
).split()

SIZES = {
    "tiny": dict(d_model=384, layers=4, heads=6, text_vocab=50257),
    "base": dict(d_model=512, layers=6, heads=8, text_vocab=50257),
    "small": dict(d_model=768, layers=12, heads=12, text_vocab=50257),
}

# Words every generated vocabulary contains, so tests can decode known text (incl. multi-byte UTF-8).
KNOWN_WORDS = ["hello", "world", "café", "naïve", "日本", "the", "avatar", "speech", "test"]


def bytes_to_unicode():
    """GPT-2's reversible byte <-> printable character table."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


class Graph:
    """Tiny helper that names nodes and initializers."""

    def __init__(self, rng):
        self.nodes, self.inits, self.rng, self.n = [], [], rng, 0

    def name(self, hint):
        self.n += 1
        return f"{hint}_{self.n}"

    def op(self, op_type, inputs, hint=None, outputs=1, **attrs):
        outs = [self.name(hint or op_type) for _ in range(outputs)]
        self.nodes.append(helper.make_node(op_type, inputs, outs, name=self.name("n_" + op_type), **attrs))
        return outs[0] if outputs == 1 else outs

    def const(self, value, hint="c"):
        name = self.name(hint)
        self.inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def weight(self, shape, hint, scale=0.02):
        return self.const((self.rng.standard_normal(shape, dtype=np.float32) * scale).astype(np.float32), hint)

    def ones(self, shape, hint):
        return self.const(np.ones(shape, np.float32), hint)

    def zeros(self, shape, hint):
        return self.const(np.zeros(shape, np.float32), hint)


def gelu(g, x):
    inner = g.op("Erf", [g.op("Mul", [x, g.const(np.float32(1 / np.sqrt(2)))])])
    return g.op("Mul", [g.op("Mul", [x, g.const(np.float32(0.5))]), g.op("Add", [inner, g.const(np.float32(1.0))])])


def layer_norm(g, x, d, hint):
    return g.op("LayerNormalization", [x, g.ones([d], hint + "_g"), g.zeros([d], hint + "_b")], axis=-1, epsilon=1e-5)


def linear(g, x, d_in, d_out, hint, bias=True):
    y = g.op("MatMul", [x, g.weight([d_in, d_out], hint + "_w")])
    return g.op("Add", [y, g.zeros([d_out], hint + "_bias")]) if bias else y


def split_heads(g, x, heads, head_dim):
    """[B, T, d] -> [B, H, T, hd]"""
    r = g.op("Reshape", [x, g.const(np.array([0, -1, heads, head_dim], np.int64))])
    return g.op("Transpose", [r], perm=[0, 2, 1, 3])


def merge_heads(g, x, d):
    t = g.op("Transpose", [x], perm=[0, 2, 1, 3])
    return g.op("Reshape", [t, g.const(np.array([0, -1, d], np.int64))])


def attend(g, q, k, v, head_dim, d, hint, mask=None):
    scores = g.op("MatMul", [q, g.op("Transpose", [k], perm=[0, 1, 3, 2])])
    scores = g.op("Mul", [scores, g.const(np.float32(1 / np.sqrt(head_dim)))])
    if mask is not None:
        scores = g.op("Add", [scores, mask])
    probs = g.op("Softmax", [scores], axis=-1)
    return linear(g, merge_heads(g, g.op("MatMul", [probs, v]), d), d, d, hint + "_out")


def mlp(g, x, d, hint):
    return linear(g, gelu(g, linear(g, x, d, 4 * d, hint + "_fc1")), 4 * d, d, hint + "_fc2")


def build_encoder(args, rng):
    d, heads, n_mels = args.d_model, args.heads, args.n_mels
    hd = d // heads
    g = Graph(rng)
    x = g.op("Conv", ["input_features", g.weight([d, n_mels, 3], "conv1_w"), g.zeros([d], "conv1_b")], pads=[1, 1], kernel_shape=[3])
    x = gelu(g, x)
    x = g.op("Conv", [x, g.weight([d, d, 3], "conv2_w"), g.zeros([d], "conv2_b")], pads=[1, 1], strides=[2], kernel_shape=[3])
    x = g.op("Transpose", [gelu(g, x)], perm=[0, 2, 1])
    x = g.op("Add", [x, g.weight([ENCODER_POSITIONS, d], "enc_pos", scale=0.1)])
    for i in range(args.layers):
        h = layer_norm(g, x, d, f"enc{i}_ln1")
        q = split_heads(g, linear(g, h, d, d, f"enc{i}_q"), heads, hd)
        k = split_heads(g, linear(g, h, d, d, f"enc{i}_k", bias=False), heads, hd)
        v = split_heads(g, linear(g, h, d, d, f"enc{i}_v"), heads, hd)
        x = g.op("Add", [x, attend(g, q, k, v, hd, d, f"enc{i}_attn")])
        x = g.op("Add", [x, mlp(g, layer_norm(g, x, d, f"enc{i}_ln2"), d, f"enc{i}_mlp")])
    g.nodes.append(helper.make_node("LayerNormalization", [x, g.ones([d], "enc_lnf_g"), g.zeros([d], "enc_lnf_b")], ["last_hidden_state"], axis=-1, epsilon=1e-5))
    graph = helper.make_graph(
        g.nodes, "whisper_encoder",
        [helper.make_tensor_value_info("input_features", TensorProto.FLOAT, ["batch_size", n_mels, ENCODER_FRAMES])],
        [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch_size", "encoder_sequence_length / 2", d])],
        g.inits)
    return graph


def build_decoder(args, rng, vocab_size, logit_bias):
    d, heads, layers = args.d_model, args.heads, args.layers
    hd = d // heads
    g = Graph(rng)
    past = lambda i, kind, kv: f"past_key_values.{i}.{kind}.{kv}"

    i64 = lambda v: g.const(np.array(v, np.int64))
    past_len = g.op("Gather", [g.op("Shape", [past(0, "decoder", "key")]), i64(2)], axis=0)
    seq_len = g.op("Gather", [g.op("Shape", ["input_ids"]), i64(1)], axis=0)
    total = g.op("Add", [past_len, seq_len])
    positions = g.op("Range", [past_len, total, i64(1)])
    tok_emb = g.weight([vocab_size, d], "tok_emb")
    x = g.op("Add", [g.op("Gather", [tok_emb, "input_ids"], axis=0),
                     g.op("Gather", [g.weight([MAX_TARGET_POSITIONS, d], "dec_pos", scale=0.1), positions], axis=0)])
    key_positions = g.op("Range", [i64(0), total, i64(1)])
    future = g.op("Less", [g.op("Unsqueeze", [positions, i64([1])]), g.op("Unsqueeze", [key_positions, i64([0])])])
    mask = g.op("Where", [future, g.const(np.float32(-1e9)), g.const(np.float32(0))])

    # Cross-attention keys/values: computed from the encoder output on the first step, reused afterwards.
    cross_outputs = [f"cross_{i}_{kv}" for i in range(layers) for kv in ("key", "value")]
    then_nodes = [helper.make_node("Identity", [past(i, "encoder", kv)], [f"then_{i}_{kv}"])
                  for i in range(layers) for kv in ("key", "value")]
    sub = Graph(rng)
    sub.n = 10_000_000  # keep subgraph names apart from the outer graph's
    else_outs = []
    for i in range(layers):
        for kv in ("key", "value"):
            w = g.weight([d, d], f"dec{i}_cross_{kv}_w")
            y = sub.op("MatMul", ["encoder_hidden_states", w])
            if kv == "value":
                y = sub.op("Add", [y, g.zeros([d], f"dec{i}_cross_v_bias")])
            r = sub.op("Reshape", [y, g.const(np.array([0, -1, heads, hd], np.int64))])
            sub.nodes.append(helper.make_node("Transpose", [r], [f"else_{i}_{kv}"], perm=[0, 2, 1, 3]))
            else_outs.append(f"else_{i}_{kv}")
    kv_info = lambda n: helper.make_tensor_value_info(n, TensorProto.FLOAT, None)
    then_graph = helper.make_graph(then_nodes, "use_cache", [], [kv_info(n.output[0]) for n in then_nodes])
    else_graph = helper.make_graph(sub.nodes, "compute_cross", [], [kv_info(n) for n in else_outs])
    g.nodes.append(helper.make_node("If", ["use_cache_branch"], cross_outputs, name="cross_kv_if",
                                    then_branch=then_graph, else_branch=else_graph))

    outputs = []
    for i in range(layers):
        h = layer_norm(g, x, d, f"dec{i}_ln1")
        q = split_heads(g, linear(g, h, d, d, f"dec{i}_q"), heads, hd)
        k_new = split_heads(g, linear(g, h, d, d, f"dec{i}_k", bias=False), heads, hd)
        v_new = split_heads(g, linear(g, h, d, d, f"dec{i}_v"), heads, hd)
        k_all, v_all = f"present.{i}.decoder.key", f"present.{i}.decoder.value"
        g.nodes.append(helper.make_node("Concat", [past(i, "decoder", "key"), k_new], [k_all], axis=2))
        g.nodes.append(helper.make_node("Concat", [past(i, "decoder", "value"), v_new], [v_all], axis=2))
        x = g.op("Add", [x, attend(g, q, k_all, v_all, hd, d, f"dec{i}_self", mask)])

        h = layer_norm(g, x, d, f"dec{i}_ln2")
        q = split_heads(g, linear(g, h, d, d, f"dec{i}_cq"), heads, hd)
        ck, cv = f"cross_{i}_key", f"cross_{i}_value"
        g.nodes.append(helper.make_node("Identity", [ck], [f"present.{i}.encoder.key"]))
        g.nodes.append(helper.make_node("Identity", [cv], [f"present.{i}.encoder.value"]))
        x = g.op("Add", [x, attend(g, q, ck, cv, hd, d, f"dec{i}_cross")])
        x = g.op("Add", [x, mlp(g, layer_norm(g, x, d, f"dec{i}_ln3"), d, f"dec{i}_mlp")])
        outputs += [k_all, v_all, f"present.{i}.encoder.key", f"present.{i}.encoder.value"]

    x = layer_norm(g, x, d, "dec_lnf")
    bias = np.zeros([vocab_size], np.float32)
    for token_id, value in logit_bias.items():
        bias[token_id] += value
    if args.tie_lm_head:
        # As the real Whisper (and whisper.cpp, which has no separate head): logits = x . token_embedding^T, stored as
        # a transposed copy of the same values, as exported models have it (a plain MatMul initializer).
        tok_emb_values = numpy_helper.to_array(next(i for i in g.inits if i.name == tok_emb))
        head = g.const(np.ascontiguousarray(tok_emb_values.T), "lm_head_w")
    else:
        head = g.weight([d, vocab_size], "lm_head", scale=1.0)
    logits = g.op("MatMul", [x, head])
    g.nodes.append(helper.make_node("Add", [logits, g.const(bias, "logit_bias")], ["logits"]))

    f = TensorProto.FLOAT
    inputs = [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch_size", "decoder_sequence_length"]),
              helper.make_tensor_value_info("encoder_hidden_states", f, ["batch_size", "encoder_sequence_length / 2", d])]
    for i in range(layers):
        inputs += [helper.make_tensor_value_info(past(i, "decoder", kv), f, ["batch_size", heads, "past_decoder_sequence_length", hd]) for kv in ("key", "value")]
        inputs += [helper.make_tensor_value_info(past(i, "encoder", kv), f, ["batch_size", heads, "encoder_sequence_length_out", hd]) for kv in ("key", "value")]
    inputs.append(helper.make_tensor_value_info("use_cache_branch", TensorProto.BOOL, [1]))
    outs = [helper.make_tensor_value_info("logits", f, ["batch_size", "decoder_sequence_length", vocab_size])]
    for i in range(layers):
        outs += [helper.make_tensor_value_info(f"present.{i}.decoder.{kv}", f, ["batch_size", heads, "past_decoder_sequence_length + 1", hd]) for kv in ("key", "value")]
        outs += [helper.make_tensor_value_info(f"present.{i}.encoder.{kv}", f, ["batch_size", heads, "encoder_sequence_length_out", hd]) for kv in ("key", "value")]
    return helper.make_graph(g.nodes, "whisper_decoder_merged", inputs, outs, g.inits)


def build_vocabulary(text_vocab, rng):
    """Byte-level BPE vocabulary: 256 byte symbols, merges that build KNOWN_WORDS, then random filler words."""
    byte_char = bytes_to_unicode()
    vocab = {byte_char[b]: i for i, b in enumerate(sorted(byte_char, key=lambda b: ord(byte_char[b])))}
    merges = []

    def add_word(word_bytes):
        symbols = [byte_char[b] for b in word_bytes]
        current = symbols[0]
        for s in symbols[1:]:
            if len(vocab) >= text_vocab:
                return
            merged = current + s
            if merged not in vocab:
                merges.append(f"{current} {s}")
                vocab[merged] = len(vocab)
            current = merged

    for w in KNOWN_WORDS:
        add_word((" " + w).encode("utf-8"))
        add_word(w.encode("utf-8"))
    letters = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz", np.uint8)
    while len(vocab) < text_vocab:
        length = int(rng.integers(2, 9))
        add_word(b" " + bytes(rng.choice(letters, length)))
    return vocab, merges


def special_tokens():
    tokens = ["<|endoftext|>", "<|startoftranscript|>"] + [f"<|{lang}|>" for lang in LANGUAGES]
    tokens += ["<|translate|>", "<|transcribe|>", "<|startoflm|>", "<|startofprev|>", "<|nocaptions|>", "<|notimestamps|>"]
    tokens += [f"<|{i * 0.02:.2f}|>" for i in range(1501)]
    return tokens


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out_dir")
    p.add_argument("--size", choices=sorted(SIZES), help="use the real dimensions of a Whisper size")
    p.add_argument("--d-model", type=int, default=64)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--n-mels", type=int, default=80)
    p.add_argument("--text-vocab", type=int, default=400, help="regular (non-special) tokens, >= 300")
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--tie-lm-head", action="store_true",
                   help="logits from the token embedding (as the real model; needed by gen_whisper_ggml.py --from-onnx) "
                        "instead of a separate, larger-scale head that makes the random model's choices more decisive")
    p.add_argument("--english-only", action="store_true", help="mark the model English-only (like *.en): no language/task prompt")
    p.add_argument("--logit-bias", action="append", default=[], metavar="TOKEN=VALUE",
                   help="adds VALUE to the logit of TOKEN (e.g. '<|endoftext|>=40') to steer decoding in tests")
    args = p.parse_args()
    if args.size:
        for k, v in SIZES[args.size].items():
            setattr(args, k, v)
    if args.d_model % args.heads:
        p.error("--d-model must be a multiple of --heads")
    if args.text_vocab < 300:
        p.error("--text-vocab must be >= 300")

    rng = np.random.default_rng(args.seed)
    os.makedirs(args.out_dir, exist_ok=True)
    vocab, merges = build_vocabulary(args.text_vocab, rng)
    specials = special_tokens()
    added = {tok: len(vocab) + i for i, tok in enumerate(specials)}
    vocab_size = len(vocab) + len(specials)
    eot, sot = added["<|endoftext|>"], added["<|startoftranscript|>"]

    bias = {}
    for item in args.logit_bias:
        token, _, value = item.rpartition("=")
        token_id = added.get(token, vocab.get(token))
        if token_id is None:
            p.error(f"--logit-bias: unknown token {token}")
        bias[token_id] = float(value)

    model_kwargs = dict(producer_name="webavatar-gen-whisper", opset_imports=[helper.make_opsetid("", OPSET)])
    encoder = helper.make_model(build_encoder(args, rng), **model_kwargs)
    decoder = helper.make_model(build_decoder(args, rng, vocab_size, bias), **model_kwargs)
    for m in (encoder, decoder):
        m.ir_version = 8
        onnx.checker.check_model(m)
    onnx.save(encoder, os.path.join(args.out_dir, "encoder_model.onnx"))
    onnx.save(decoder, os.path.join(args.out_dir, "decoder_model_merged.onnx"))

    def dump(name, obj):
        with open(os.path.join(args.out_dir, name), "w", encoding="utf-8") as fh:
            json.dump(obj, fh, ensure_ascii=False)

    dump("vocab.json", vocab)
    dump("added_tokens.json", added)
    with open(os.path.join(args.out_dir, "merges.txt"), "w", encoding="utf-8") as fh:
        fh.write("#version: 0.2\n" + "\n".join(merges) + "\n")
    dump("tokenizer.json", {
        "version": "1.0",
        "added_tokens": [dict(id=i, content=t, single_word=False, lstrip=False, rstrip=False, normalized=False, special=True)
                         for t, i in added.items()],
        "model": {"type": "BPE", "vocab": vocab, "merges": merges},
        "decoder": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
    })
    dump("special_tokens_map.json", {"bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>", "unk_token": "<|endoftext|>", "pad_token": "<|endoftext|>"})
    space = vocab[bytes_to_unicode()[ord(" ")]]
    dump("generation_config.json", {
        "begin_suppress_tokens": [space, eot],
        "suppress_tokens": [vocab[bytes_to_unicode()[ord(c)]] for c in "#()*+/<=>@[\\]^_`{|}~"],
        "decoder_start_token_id": sot,
        "eos_token_id": eot,
        "pad_token_id": eot,
        "bos_token_id": eot,
        "is_multilingual": not args.english_only,
        "lang_to_id": {f"<|{lang}|>": added[f"<|{lang}|>"] for lang in LANGUAGES},
        "task_to_id": {"transcribe": added["<|transcribe|>"], "translate": added["<|translate|>"]},
        "no_timestamps_token_id": added["<|notimestamps|>"],
        "max_length": MAX_TARGET_POSITIONS,
    })
    dump("config.json", {
        "model_type": "whisper", "d_model": args.d_model, "encoder_layers": args.layers, "decoder_layers": args.layers,
        "encoder_attention_heads": args.heads, "decoder_attention_heads": args.heads, "num_mel_bins": args.n_mels,
        "vocab_size": vocab_size, "max_source_positions": ENCODER_POSITIONS, "max_target_positions": MAX_TARGET_POSITIONS,
        "eos_token_id": eot, "decoder_start_token_id": sot, "tie_word_embeddings": args.tie_lm_head,
    })
    print(f"wrote {args.out_dir}: d_model={args.d_model} layers={args.layers} heads={args.heads} vocab={vocab_size}")


if __name__ == "__main__":
    main()
