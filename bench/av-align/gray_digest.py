#!/usr/bin/env python3
"""FNV-1a 64 and byte sum of OpenCV's gray frames of a video (VideoCapture + cvtColor).

Reproduces the constants of Tests/AVAlignTests/DecodeGoldenTests.swift:
    python3 bench/av-align/gray_digest.py ../shared/avalign-golden/case.mp4
"""
import sys

import cv2
import numpy as np

cap = cv2.VideoCapture(sys.argv[1])
frames = []
while True:
    ok, f = cap.read()
    if not ok:
        break
    frames.append(cv2.cvtColor(f, cv2.COLOR_BGR2GRAY))
data = np.stack(frames).tobytes()
h = 0xCBF29CE484222325
for b in data:
    h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
print(f"frames {len(frames)} fnv1a64 0x{h:016x} sum {sum(data)} (cv2 {cv2.__version__})")
