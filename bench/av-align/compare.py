#!/usr/bin/env python3
"""Compares two JSON-lines result files clip by clip (fps, frames, audio/video peaks, score).

    python3 compare.py ours.jsonl reference.jsonl
Times are compared to 1e-9 s; scores exactly.
"""
import json
import sys


def load(path):
    out = {}
    for line in open(path):
        line = line.strip()
        if line:
            d = json.loads(line)
            out[d["file"]] = d
    return out


def same(a, b, tol=1e-9):
    return len(a) == len(b) and all(abs(x - y) <= tol for x, y in zip(a, b))


ours, ref = load(sys.argv[1]), load(sys.argv[2])
agree = 0
rows = 0
for name in sorted(ref):
    if name not in ours:
        continue
    rows += 1
    o, r = ours[name], ref[name]
    if "error" in o:
        print(f"{name}: ours failed: {o['error']}")
        continue
    checks = {
        "fps": abs(o["fps"] - r["fps"]) <= 1e-9 * max(1, r["fps"]),
        "frames": o["frames"] == r["frames"],
        "audio": same(o["audio_peaks"], r["audio_peaks"]),
        "video": same(o["video_peaks"], r["video_peaks"]),
        "score": o.get("score") == r.get("score"),
    }
    ok = all(checks.values())
    agree += ok
    bad = ", ".join(k for k, v in checks.items() if not v)
    print(f"{'OK ' if ok else 'DIFF'} {name}: score ours {o.get('score')} ref {r.get('score')}"
          + (f"  [differs: {bad}]" if bad else ""))
    if not checks["audio"]:
        print(f"     audio ours {o['audio_peaks']}\n           ref  {r['audio_peaks']}")
    if not checks["video"]:
        so, sr = set(round(x, 9) for x in o["video_peaks"]), set(round(x, 9) for x in r["video_peaks"])
        print(f"     video only ours {sorted(so - sr)} only ref {sorted(sr - so)}")
print(f"{agree}/{rows} clips agree on every field")
