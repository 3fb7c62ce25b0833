"""Baseline for bench/prep: a single-process PyAV + numpy loader doing prep's work clip by clip.

For each clip: 1.6 s of audio as 16 kHz mono (first channel) float32, zero-padded to 25,600
samples; 16 frames at 10 fps (frame k = the last frame with pts <= k/10), resized keeping the
aspect ratio into 64x64 (bicubic, swscale via PyAV) and centre-padded; then np.save of both to
memory, as a WebDataset writer would. Usage: python3 pyav_loader.py LIST
"""
import io
import sys

import av
import numpy as np

RATE, SAMPLES, FPS, FRAMES, SIZE = 16000, 25600, 10.0, 16, 64


def audio_of(path):
    with av.open(path) as c:
        if not c.streams.audio:
            return None
        s = c.streams.audio[0]
        res = av.AudioResampler(format="flt", layout="mono", rate=RATE)
        out = []
        n = 0
        for frame in c.decode(s):
            # first channel: take channel 0 of a planar float copy before resampling
            arr = frame.to_ndarray()
            if arr.ndim == 2 and arr.shape[0] > 1 and frame.format.is_planar:
                frame = av.AudioFrame.from_ndarray(arr[:1], format=frame.format.name, layout="mono")
                frame.sample_rate = s.rate
            for r in res.resample(frame):
                a = r.to_ndarray().reshape(-1)
                out.append(a)
                n += a.size
            if n >= SAMPLES:
                break
    a = np.concatenate(out) if out else np.zeros(0, np.float32)
    a = a[:SAMPLES]
    return np.pad(a, (0, SAMPLES - a.size)).reshape(1, SAMPLES).astype(np.float32)


def video_of(path):
    with av.open(path) as c:
        if not c.streams.video:
            return None
        s = c.streams.video[0]
        s.thread_type = "AUTO"
        frames = []
        last = None
        k = 0
        for frame in c.decode(s):
            t = frame.time if frame.time is not None else 0.0
            while k < FRAMES and t > k / FPS + 1e-9:
                if last is None:
                    break
                frames.append(last)
                k += 1
            if k >= FRAMES:
                break
            w, h = frame.width, frame.height
            scale = min(SIZE / w, SIZE / h)
            nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
            img = frame.reformat(width=nw, height=nh, format="rgb24", interpolation="BICUBIC").to_ndarray()
            canvas = np.zeros((SIZE, SIZE, 3), np.uint8)
            y0, x0 = (SIZE - nh) // 2, (SIZE - nw) // 2
            canvas[y0:y0 + nh, x0:x0 + nw] = img
            last = canvas
        while k < FRAMES and last is not None:
            frames.append(last)
            k += 1
    if len(frames) < FRAMES:
        return None
    return np.stack(frames).transpose(0, 3, 1, 2).copy()


def main():
    paths = [l.rstrip("\n").split("\t")[0] for l in open(sys.argv[1]) if l.strip() and not l.startswith("#")]
    written = 0
    for p in paths:
        try:
            a, v = audio_of(p), video_of(p)
        except Exception as e:  # a bad clip must not stop the loader
            print(f"{p}: {e}", file=sys.stderr)
            continue
        if a is None or v is None:
            continue
        for arr in (a, v):
            buf = io.BytesIO()
            np.save(buf, arr)
        written += 1
    print(written)


if __name__ == "__main__":
    main()
