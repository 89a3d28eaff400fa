#!/usr/bin/python3
"""Builds an ONNX model with the matting interface WebAvatar expects (models/README.md) and a known output, for tests.

Input   image [1,3,H,W] float32, RGB in 0..1 (H and W fixed by --size, or dynamic with --size 0)
Output  alpha [1,1,H,W] float32 in 0..1

    alpha = clip(GAIN * (R - G), 0, 1)

so a pixel's 8-bit alpha is min(255, GAIN * max(0, r - g)) for its 8-bit r and g: reddish pixels are opaque, greenish ones
transparent, and swapping R for B (a BGR mix-up) changes the answer. tests/WebAvatar.LipSync.Tests/Matting/OnnxMattingTests.cs
checks these values.

Run with Debian's /usr/bin/python3 (python3-onnx, python3-numpy). Never commit the output.
"""
import argparse

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

GAIN = 2.0


def build(size):
    side = size if size > 0 else "side"
    nodes = [
        helper.make_node("Slice", ["image", "r_start", "r_end", "channel_axis"], ["r"]),
        helper.make_node("Slice", ["image", "g_start", "g_end", "channel_axis"], ["g"]),
        helper.make_node("Sub", ["r", "g"], ["r_minus_g"]),
        helper.make_node("Mul", ["r_minus_g", "gain"], ["scaled"]),
        helper.make_node("Clip", ["scaled", "zero", "one"], ["alpha"]),
    ]
    inits = [
        numpy_helper.from_array(np.array([0], np.int64), "r_start"),
        numpy_helper.from_array(np.array([1], np.int64), "r_end"),
        numpy_helper.from_array(np.array([1], np.int64), "g_start"),
        numpy_helper.from_array(np.array([2], np.int64), "g_end"),
        numpy_helper.from_array(np.array([1], np.int64), "channel_axis"),
        numpy_helper.from_array(np.array(GAIN, np.float32), "gain"),
        numpy_helper.from_array(np.array(0.0, np.float32), "zero"),
        numpy_helper.from_array(np.array(1.0, np.float32), "one"),
    ]
    graph = helper.make_graph(
        nodes, "matting_signature",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, side, side])],
        [helper.make_tensor_value_info("alpha", TensorProto.FLOAT, [1, 1, side, side])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="webavatar-tests")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=64, help="input height and width; 0 for dynamic")
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()
    onnx.save(build(args.size), args.output)


if __name__ == "__main__":
    main()
