#!/usr/bin/python3
"""Generates a Piper-compatible (VITS signature) ONNX voice plus its .onnx.json, for tests and benchmarks.

The graph has Piper's exact IO: inputs `input` int64 [1,T], `input_lengths` int64 [1], `scales` float [3]
(noise_scale, length_scale, noise_w) and, with --speakers > 1, `sid` int64 [1]; output `output` float [1,1,1,N].
It is not a trained voice: random fixed-seed weights turn the ids into a deterministic waveform through
HiFi-GAN-like stages (phoneme encoder -> frame expansion -> frame stack -> transposed-conv upsampling x256 with
residual convs -> tanh). N = ceil(T * frames_per_id * length_scale) * 256, so duration scales with length_scale.

  --size tiny   a few thousand parameters: fast enough for unit tests.
  --size bench  about 16M parameters and ~3 GMAC per second of audio, the size and cost of a Piper "medium" voice.
  --nan         multiply the output by NaN (tests that the engine rejects non-finite audio).

Needs only Debian's python3-onnx and python3-numpy (opset 15).
"""
import argparse
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# Piper's symbol table for espeak phonemes (pad, bos, eos, space, punctuation, latin, IPA, stress, length).
SYMBOLS = (["_", "^", "$", " ", "!", "'", "(", ")", ",", "-", ".", ":", ";", "?"]
           + list("abcdefhijklmnopqrstuvwxyz")
           + list("æçðøħŋœǀǁǂǃɐɑɒɓɔɕɖɗɘəɚɛɜɞɟɠɡɢɣɤɥɦɧɨɪɫɬɭɮɯɰɱɲɳɴɵɶɸɹɺɻɽɾʀʁʂʃʄʈʉʊʋʌʍʎʏʐʑʒʔʕʘʙʛʜʝʟʡʢʲˈˌːˑ˞βθχᵻⱱ")
           + list("0123456789") + ["\u0327", "\u0303", "\u032a", "\u032f", "\u0329", "ʰ", "ˤ", "ε", "↓", "#", "\"", "↑", "\u033a", "\u033b"])

SIZES = {
    # embedding, encoder layers, frame-stack channels/layers/kernel, decoder channels per stage, resblock kernels
    "tiny": dict(emb=16, enc_layers=1, frame_ch=16, frame_layers=1, frame_k=3, dec=[16, 8, 8, 4], res_k=[3]),
    "bench": dict(emb=192, enc_layers=4, frame_ch=384, frame_layers=10, frame_k=9, dec=[256, 128, 64, 32], res_k=[3, 5, 7]),
}
UPSAMPLE = [8, 8, 4]  # x256 samples per frame, Piper medium's rates
FRAMES_PER_ID = 4


class Graph:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits, self.count, self.params = [], [], 0, 0

    def name(self, prefix):
        self.count += 1
        return f"{prefix}_{self.count}"

    def const(self, array, prefix="c"):
        n = self.name(prefix)
        self.inits.append(numpy_helper.from_array(np.asarray(array), n))
        return n

    def weight(self, shape, fan_in):
        w = (self.rng.standard_normal(shape) / np.sqrt(fan_in)).astype(np.float32)
        self.params += w.size
        return self.const(w, "w")

    def op(self, op_type, inputs, **attrs):
        out = self.name(op_type.lower())
        self.nodes.append(helper.make_node(op_type, inputs, [out], **attrs))
        return out

    def conv(self, x, cin, cout, k, dilation=1):
        w = self.weight((cout, cin, k), cin * k)
        b = self.const(np.zeros(cout, np.float32), "b")
        pad = dilation * (k - 1) // 2
        return self.op("Conv", [x, w, b], kernel_shape=[k], pads=[pad, pad], dilations=[dilation])

    def up(self, x, cin, cout, rate):
        w = self.weight((cin, cout, 2 * rate), cin * 2)
        b = self.const(np.zeros(cout, np.float32), "b")
        # (L-1)*r - 2*(r/2) + 2r = L*r: exact x rate upsampling.
        return self.op("ConvTranspose", [x, w, b], kernel_shape=[2 * rate], strides=[rate], pads=[rate // 2, rate // 2])

    def lrelu(self, x):
        return self.op("LeakyRelu", [x], alpha=0.1)


def build(size, speakers, nan):
    cfg = SIZES[size]
    g = Graph(seed=1234)
    emb = cfg["emb"]

    table = g.weight((len(SYMBOLS), emb), 1)
    x = g.op("Gather", [table, "input"], axis=0)                 # [1,T,C]
    x = g.op("Transpose", [x], perm=[0, 2, 1])                    # [1,C,T]
    if speakers > 1:
        spk = g.op("Gather", [g.weight((speakers, emb), 1), "sid"], axis=0)  # [1,C]
        x = g.op("Add", [x, g.op("Unsqueeze", [spk, g.const(np.array([2], np.int64))])])
    for _ in range(cfg["enc_layers"]):
        x = g.lrelu(g.conv(x, emb, emb, 5))

    # Frames: F = ceil(T * FRAMES_PER_ID * length_scale); nearest-neighbour expansion stands in for VITS durations.
    t = g.op("Cast", [g.op("Gather", [g.op("Shape", ["input"]), g.const(np.array(1, np.int64))], axis=0)], to=TensorProto.FLOAT)
    length_scale = g.op("Gather", ["scales", g.const(np.array(1, np.int64))], axis=0)
    frames = g.op("Mul", [g.op("Mul", [t, length_scale]), g.const(np.array(float(FRAMES_PER_ID), np.float32))])
    frames = g.op("Max", [g.op("Ceil", [frames]), g.const(np.array(1.0, np.float32))])
    frames = g.op("Unsqueeze", [g.op("Cast", [frames], to=TensorProto.INT64), g.const(np.array([0], np.int64))])
    sizes = g.op("Concat", [g.const(np.array([1, emb], np.int64)), frames], axis=0)
    x = g.op("Resize", [x, "", "", sizes], mode="nearest")

    ch = cfg["frame_ch"]
    x = g.lrelu(g.conv(x, emb, ch, 3))
    for _ in range(cfg["frame_layers"]):
        x = g.op("Add", [x, g.lrelu(g.conv(x, ch, ch, cfg["frame_k"]))])

    dec = cfg["dec"]
    x = g.conv(x, ch, dec[0], 7)
    for stage, rate in enumerate(UPSAMPLE):
        x = g.up(g.lrelu(x), dec[stage], dec[stage + 1], rate)
        for k in cfg["res_k"]:
            for dilation in (1, 3):
                x = g.op("Add", [x, g.conv(g.lrelu(x), dec[stage + 1], dec[stage + 1], k, dilation)])
    x = g.op("Tanh", [g.conv(g.lrelu(x), dec[-1], 1, 7)])
    if nan:
        x = g.op("Mul", [x, g.const(np.array(np.nan, np.float32))])
    g.nodes.append(helper.make_node("Reshape", [x, g.const(np.array([1, 1, 1, -1], np.int64))], ["output"]))

    inputs = [
        helper.make_tensor_value_info("input", TensorProto.INT64, [1, "phonemes"]),
        helper.make_tensor_value_info("input_lengths", TensorProto.INT64, [1]),
        helper.make_tensor_value_info("scales", TensorProto.FLOAT, [3]),
    ]
    if speakers > 1:
        inputs.append(helper.make_tensor_value_info("sid", TensorProto.INT64, [1]))
    outputs = [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 1, 1, "time"])]
    graph = helper.make_graph(g.nodes, "webavatar_piper_" + size, inputs, outputs, g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15)], producer_name="webavatar gen_piper_model.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model, g.params


def config(sample_rate, voice, speakers):
    return {
        "dataset": "webavatar-generated",
        "audio": {"sample_rate": sample_rate, "quality": "generated"},
        "espeak": {"voice": voice},
        "language": {"code": voice.replace("-", "_")},
        "inference": {"noise_scale": 0.667, "length_scale": 1.0, "noise_w": 0.8},
        "phoneme_type": "espeak",
        "phoneme_map": {},
        "phoneme_id_map": {s: [i] for i, s in enumerate(SYMBOLS)},
        "num_symbols": len(SYMBOLS),
        "num_speakers": speakers,
        "speaker_id_map": {f"speaker{i}": i for i in range(speakers)} if speakers > 1 else {},
    }


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("output", help="path of the .onnx to write (the .onnx.json goes beside it)")
    p.add_argument("--size", choices=sorted(SIZES), default="tiny")
    p.add_argument("--speakers", type=int, default=1)
    p.add_argument("--sample-rate", type=int, default=22050)
    p.add_argument("--voice", default="en-us", help="espeak-ng voice for phonemisation")
    p.add_argument("--nan", action="store_true", help="emit NaN samples")
    a = p.parse_args()
    model, params = build(a.size, a.speakers, a.nan)
    os.makedirs(os.path.dirname(os.path.abspath(a.output)), exist_ok=True)
    onnx.save(model, a.output)
    with open(a.output + ".json", "w", encoding="utf-8") as f:
        json.dump(config(a.sample_rate, a.voice, a.speakers), f, ensure_ascii=False, indent=2)
    print(f"wrote {a.output} ({params / 1e6:.2f}M parameters, {len(SYMBOLS)} symbols)")


if __name__ == "__main__":
    main()
