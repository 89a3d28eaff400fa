#!/usr/bin/python3
"""Builds an ONNX model with YuNet's I/O signature (face_detection_yunet_2023mar) and known outputs, for tests.

Input   input [1,3,H,W] float32 (BGR 0..255, H and W the frame size padded up to multiples of 32, as OpenCV's
        FaceDetectorYN feeds it)
Outputs cls_8 cls_16 cls_32, obj_8 obj_16 obj_32 [1,N,1], bbox_8 bbox_16 bbox_32 [1,N,4], kps_8 kps_16 kps_32 [1,N,10],
        N = (H/stride) * (W/stride), anchors row-major over the stride's grid.

Every anchor scores 0 except the ones listed in FACES, whose cls and obj scores are scaled by the brightest input
value / 255: a white frame yields exactly the FACES below, a black frame no face at all (so a test sees that the
frame reached the network). OpenCV decodes an anchor at grid cell (row r, column c) of stride s as
    cx = (c + dx) * s, cy = (r + dy) * s, w = exp(dw) * s, h = exp(dh) * s, score = sqrt(cls * obj),
keeps scores >= its threshold and removes overlaps by NMS. tests/WebAvatar.LipSync.Tests/Faces/YuNetFaceDetectorTests.cs
holds the boxes these give.

Run with Debian's /usr/bin/python3 (python3-onnx, python3-numpy). Never commit the output.
"""
import argparse
import math

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

STRIDES = (8, 16, 32)

# (stride, row, column, dx, dy, width in strides, height in strides, cls, obj)
FACES = [
    (8, 10, 12, 0.5, 0.5, 6, 8, 0.9, 0.9),        # x 76..124, y 52..116, score 0.9
    (16, 5, 14, 0.0, 0.0, 5, 6, 0.81, 1.0),       # x 184..264, y 32..128, score 0.9 (the largest)
    (16, 5, 15, 0.0, 0.0, 5, 6, 0.64, 1.0),       # x 200..280, score 0.8: overlaps the largest (IoU 0.67), NMS drops it
    (32, 2, 2, 0.5, 0.5, 1, 1, 0.25, 1.0),        # score 0.5: under the 0.7 threshold
    (32, 7, 9, 0.5, 0.5, 2, 2, 0.95, 0.95),       # x 272..336, y 208..272: past the frame's corner, clamped to it
]


def outputs(width, height):
    tensors = {}
    for stride in STRIDES:
        rows, cols = height // stride, width // stride
        count = rows * cols
        cls = np.zeros((1, count, 1), np.float32)
        obj = np.zeros((1, count, 1), np.float32)
        bbox = np.zeros((1, count, 4), np.float32)
        kps = np.zeros((1, count, 10), np.float32)
        for s, r, c, dx, dy, w, h, cls_score, obj_score in FACES:
            if s != stride:
                continue
            index = r * cols + c
            cls[0, index, 0], obj[0, index, 0] = cls_score, obj_score
            bbox[0, index] = (dx, dy, math.log(w), math.log(h))
            kps[0, index] = (dx,) * 10
        tensors[stride] = {"cls": cls, "obj": obj, "bbox": bbox, "kps": kps}
    return tensors


def build(width, height):
    if width % 32 or height % 32:
        raise SystemExit("width and height must be multiples of 32 (FaceDetectorYN pads the frame to them)")
    nodes, inits, outs = [], [], []
    inits.append(numpy_helper.from_array(np.array([1, 1, 1], np.int64), "shape_111"))
    inits.append(numpy_helper.from_array(np.array([1.0 / 255], np.float32), "per_255"))
    nodes.append(helper.make_node("ReduceMax", ["input"], ["brightest"], keepdims=1))
    nodes.append(helper.make_node("Reshape", ["brightest", "shape_111"], ["brightest_111"]))
    nodes.append(helper.make_node("Mul", ["brightest_111", "per_255"], ["gate"]))
    tensors = outputs(width, height)
    for kind in ("cls", "obj", "bbox", "kps"):
        for stride in STRIDES:
            name = f"{kind}_{stride}"
            value = tensors[stride][kind]
            inits.append(numpy_helper.from_array(value, name + "_value"))
            if kind in ("cls", "obj"):
                nodes.append(helper.make_node("Mul", [name + "_value", "gate"], [name]))
            else:
                # Offsets pass through unchanged; adding 0 * gate keeps them computed outputs rather than constants.
                nodes.append(helper.make_node("Add", [name + "_value", "gate_zero"], [name]))
            outs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, list(value.shape)))
    inits.append(numpy_helper.from_array(np.array([0.0], np.float32), "zero"))
    nodes.insert(3, helper.make_node("Mul", ["gate", "zero"], ["gate_zero"]))
    graph = helper.make_graph(
        nodes, "yunet_signature",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, height, width])],
        outs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="webavatar-tests")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--width", type=int, default=320)
    parser.add_argument("--height", type=int, default=256)
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()
    onnx.save(build(args.width, args.height), args.output)


if __name__ == "__main__":
    main()
