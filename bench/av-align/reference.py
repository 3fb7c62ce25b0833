#!/usr/bin/env python3
"""The AV-Align reference algorithm restated from ../shared/specs/av-align.md, on OpenCV
and librosa, for timing and cross-checking our implementation.

    python3 reference.py CLIP...   -> one JSON line per clip on stdout, totals on stderr

Video: every frame read by cv2.VideoCapture, gray by cvtColor, Farneback (0.5, 3, 15, 3,
5, 1.2, 0) per consecutive pair, mean magnitude (float32 sqrt, float64 mean), trajectory
with traj[0] = traj[1], strict local maxima >= 0.1 at i / fps (fps = CAP_PROP_FPS).
Audio: the clip's own track decoded losslessly at its native rate (ffmpeg to float WAV),
librosa.load at 22,050 Hz (mono, soxr HQ), librosa.onset.onset_detect defaults, in seconds.
Score: IoU with one-to-one matching inside +-1/fps (strict).
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import cv2
import librosa
import numpy as np


def video_side(path, timing):
    t0 = time.perf_counter()
    cap = cv2.VideoCapture(path)
    fps = cap.get(cv2.CAP_PROP_FPS)
    frames = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY))
    cap.release()
    t1 = time.perf_counter()
    mags = []
    for prev, nxt in zip(frames, frames[1:]):
        flow = cv2.calcOpticalFlowFarneback(prev, nxt, None, 0.5, 3, 15, 3, 5, 1.2, 0)
        mag = np.sqrt(flow[..., 0] ** 2 + flow[..., 1] ** 2)
        mags.append(float(np.mean(mag, dtype=np.float64)))
    t2 = time.perf_counter()
    timing["decode"] += t1 - t0
    timing["flow"] += t2 - t1
    traj = mags[:1] + mags
    peaks = [i / fps for i in range(1, len(traj) - 1)
             if traj[i - 1] < traj[i] > traj[i + 1] and traj[i] >= 0.1]
    return fps, len(frames), peaks


def audio_side(path, timing):
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        wav = os.path.join(tmp, "a.wav")
        r = subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-i", path, "-vn", "-map", "0:a:0",
                            "-c:a", "pcm_f32le", "-f", "wav", wav], capture_output=True)
        if r.returncode != 0 or not os.path.exists(wav):
            timing["audio"] += time.perf_counter() - t0
            return []
        y, sr = librosa.load(wav, sr=22050)
    onsets = librosa.onset.onset_detect(y=y, sr=sr, units="time")
    timing["audio"] += time.perf_counter() - t0
    return [float(t) for t in onsets]


def iou(audio, video, fps):
    inter, used = 0, [False] * len(video)
    for a in audio:
        for j, v in enumerate(video):
            if not used[j] and v - 1 / fps < a < v + 1 / fps:
                inter += 1
                used[j] = True
                break
    union = len(audio) + len(video) - inter
    return None if union == 0 else inter / union


def main():
    start = time.perf_counter()
    timing = {"decode": 0.0, "flow": 0.0, "audio": 0.0}
    for path in sys.argv[1:]:
        name = os.path.basename(path)
        try:
            fps, n, vpeaks = video_side(path, timing)
            if n < 2:
                raise ValueError("fewer than 2 frames")
            apeaks = audio_side(path, timing)
            print(json.dumps({"file": name, "fps": fps, "frames": n, "audio_peaks": apeaks,
                              "video_peaks": vpeaks, "score": iou(apeaks, vpeaks, fps)}), flush=True)
        except Exception as e:  # report and go on, as the benchmark compares the rest
            print(json.dumps({"file": name, "error": str(e)}), flush=True)
    wall = time.perf_counter() - start
    print(f"reference: wall {wall:.3f} s (decode {timing['decode']:.3f}, flow {timing['flow']:.3f}, "
          f"audio {timing['audio']:.3f}; cv2 {cv2.__version__}, librosa {librosa.__version__}, "
          f"cv2 threads {cv2.getNumThreads()})", file=sys.stderr)


if __name__ == "__main__":
    main()
