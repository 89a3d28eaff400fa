#!/usr/bin/python3
"""Builds an ONNX model with Wav2Lip's exact I/O signature, with random weights.

Inputs  mel [B,1,80,16] float32, vid [B,6,S,S] float32 (masked face + reference face, BGR / 255)
Output  out [B,3,S,S]   float32 sigmoid (BGR in [0,1])

--tiny       a few small convolutions (tests; a few KB), S = --size (96 or 256)
--identity   returns the reference face unchanged (tests: checks crop/paste geometry and channel order)
--real-size  the Wav2Lip generator architecture at its real size (about 36M parameters, S = 96),
             batch-norm folded into the convolutions the way exported models have it (benchmarks)

Run with Debian's /usr/bin/python3 (python3-onnx, python3-numpy). Never commit the output.
"""
import argparse

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


class Graph:
    def __init__(self, seed):
        self.nodes, self.inits, self.rng, self.count = [], [], np.random.default_rng(seed), 0

    def name(self, prefix):
        self.count += 1
        return f"{prefix}_{self.count}"

    def weight(self, shape, fan_in, scale=1.0):
        name = self.name("w")
        std = scale * np.sqrt(2.0 / fan_in)
        self.inits.append(numpy_helper.from_array((self.rng.standard_normal(shape) * std).astype(np.float32), name))
        return name

    def bias(self, n):
        name = self.name("b")
        self.inits.append(numpy_helper.from_array(np.zeros(n, np.float32), name))
        return name

    def op(self, op_type, inputs, **attrs):
        out = self.name(op_type.lower())
        self.nodes.append(helper.make_node(op_type, inputs, [out], **attrs))
        return out

    def conv(self, x, cin, cout, k, stride, pad, residual=False, relu=True, scale=1.0):
        kh, kw = (k, k) if isinstance(k, int) else k
        sh, sw = (stride, stride) if isinstance(stride, int) else stride
        w = self.weight((cout, cin, kh, kw), cin * kh * kw, 0.5 * scale if residual else scale)
        y = self.op("Conv", [x, w, self.bias(cout)], kernel_shape=[kh, kw], strides=[sh, sw], pads=[pad, pad, pad, pad])
        if residual:
            y = self.op("Add", [y, x])
        return self.op("Relu", [y]) if relu else y

    def conv_transpose(self, x, cin, cout, k, stride, pad, output_padding):
        w = self.weight((cin, cout, k, k), cin * k * k / (stride * stride))
        y = self.op("ConvTranspose", [x, w, self.bias(cout)], kernel_shape=[k, k], strides=[stride, stride],
                    pads=[pad, pad, pad, pad], output_padding=[output_padding, output_padding])
        return self.op("Relu", [y])


def residual_stack(g, x, c, n):
    for _ in range(n):
        x = g.conv(x, c, c, 3, 1, 1, residual=True)
    return x


def real_size(g):
    """The Wav2Lip generator (Prajwal et al. 2020, models/wav2lip.py) for 96x96 faces."""
    feats, x = [], "vid"
    face_blocks = [  # (cin, cout, kernel, stride, pad, residual repeats)
        (6, 16, 7, 1, 3, 0), (16, 32, 3, 2, 1, 2), (32, 64, 3, 2, 1, 3), (64, 128, 3, 2, 1, 2),
        (128, 256, 3, 2, 1, 2), (256, 512, 3, 2, 1, 1)]
    for cin, cout, k, s, p, reps in face_blocks:
        x = residual_stack(g, g.conv(x, cin, cout, k, s, p), cout, reps)
        feats.append(x)
    x = g.conv(g.conv(x, 512, 512, 3, 1, 0), 512, 512, 1, 1, 0)
    feats.append(x)

    a = residual_stack(g, g.conv("mel", 1, 32, 3, 1, 1), 32, 2)
    a = residual_stack(g, g.conv(a, 32, 64, 3, (3, 1), 1), 64, 2)
    a = residual_stack(g, g.conv(a, 64, 128, 3, 3, 1), 128, 2)
    a = residual_stack(g, g.conv(a, 128, 256, 3, (3, 2), 1), 256, 1)
    a = g.conv(g.conv(a, 256, 512, 3, 1, 0), 512, 512, 1, 1, 0)

    x = g.conv(a, 512, 512, 1, 1, 0)
    x = g.op("Concat", [x, feats.pop()], axis=1)
    decoder = [  # (cin, cout, stride, pad, output_padding, residual repeats)
        (1024, 512, 1, 0, 0, 1), (1024, 512, 2, 1, 1, 2), (768, 384, 2, 1, 1, 2),
        (512, 256, 2, 1, 1, 2), (320, 128, 2, 1, 1, 2), (160, 64, 2, 1, 1, 2)]
    for cin, cout, s, p, op, reps in decoder:
        x = residual_stack(g, g.conv_transpose(x, cin, cout, 3, s, p, op), cout, reps)
        x = g.op("Concat", [x, feats.pop()], axis=1)
    x = g.conv(x, 80, 32, 3, 1, 1)
    x = g.conv(x, 32, 3, 1, 1, 0, relu=False, scale=0.1)
    return g.op("Sigmoid", [x])


def tiny(g):
    """Face path: two 3x3 convolutions; audio path: a per-sample mean of the mel added as a bias."""
    f = g.conv("vid", 6, 8, 3, 1, 1)
    f = g.conv(f, 8, 3, 3, 1, 1, relu=False)
    a = g.op("ReduceMean", ["mel"], axes=[1, 2, 3], keepdims=1)
    return g.op("Sigmoid", [g.op("Add", [f, a])])


def identity(g):
    """out = the reference half of vid (channels 3..5), plus 0 x mel so both inputs stay used."""
    starts = numpy_helper.from_array(np.array([3], np.int64), "ref_start")
    ends = numpy_helper.from_array(np.array([6], np.int64), "ref_end")
    axes = numpy_helper.from_array(np.array([1], np.int64), "ref_axis")
    zero = numpy_helper.from_array(np.zeros((), np.float32), "zero")
    g.inits.extend([starts, ends, axes, zero])
    reference = g.op("Slice", ["vid", "ref_start", "ref_end", "ref_axis"])
    silence = g.op("Mul", [g.op("ReduceMean", ["mel"], axes=[1, 2, 3], keepdims=1), "zero"])
    return g.op("Add", [reference, silence])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--tiny", action="store_true")
    mode.add_argument("--identity", action="store_true")
    mode.add_argument("--real-size", action="store_true")
    ap.add_argument("--size", type=int, default=96, choices=[96, 256], help="face size (tiny and identity)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args()
    size = 96 if args.real_size else args.size

    g = Graph(args.seed)
    result = real_size(g) if args.real_size else identity(g) if args.identity else tiny(g)
    g.nodes.append(helper.make_node("Identity", [result], ["out"]))
    inputs = [helper.make_tensor_value_info("mel", TensorProto.FLOAT, ["batch", 1, 80, 16]),
              helper.make_tensor_value_info("vid", TensorProto.FLOAT, ["batch", 6, size, size])]
    outputs = [helper.make_tensor_value_info("out", TensorProto.FLOAT, ["batch", 3, size, size])]
    graph = helper.make_graph(g.nodes, "wav2lip", inputs, outputs, g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="gen_wav2lip_model")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, args.output)
    params = sum(int(np.prod(t.dims)) for t in g.inits)
    print(f"{args.output}: {params / 1e6:.2f}M parameters, face {size}x{size}")


if __name__ == "__main__":
    main()
