import Foundation
import MediaIO
import XCTest
@testable import Synth

/// Writes clips as .npy files, plus a Python script that scores them with the reference
/// AV-Align stack (OpenCV Farneback + librosa onsets), for an optional check by hand.
///
/// Runs only when SYNTH_DUMP_DIR is set:
///     SYNTH_DUMP_DIR=/tmp/synth SYNTH_DUMP_COUNT=160 swift test --filter DumpForPython
///     pip install opencv-python-headless librosa
///     python3 /tmp/synth/avalign_check.py /tmp/synth
final class DumpForPython: XCTestCase {
    func testDumpClips() throws {
        let env = ProcessInfo.processInfo.environment
        guard let dir = env["SYNTH_DUMP_DIR"] else { throw XCTSkip("SYNTH_DUMP_DIR not set") }
        let count = Int(env["SYNTH_DUMP_COUNT"] ?? "") ?? 64
        let seed = UInt64(env["SYNTH_DUMP_SEED"] ?? "") ?? 1
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let generator = SynthGenerator(seed: seed)
        var lines = ""
        for i in 0..<count {
            let clip = generator.clip(i)
            let name = String(format: "%06d", i)
            let audio = try NpyArray(float32: clip.audio, shape: [1, clip.audio.count])
            let video = try NpyArray(uint8: clip.video, shape: [clip.frames, 3, 64, 64])
            try Data(NpyCoding.encode(audio)).write(to: URL(fileURLWithPath: "\(dir)/\(name).audio.npy"))
            try Data(NpyCoding.encode(video)).write(to: URL(fileURLWithPath: "\(dir)/\(name).video.npy"))
            lines += clip.metadataJSON(key: name, seed: seed, index: i) + "\n"
        }
        try lines.write(toFile: "\(dir)/clips.jsonl", atomically: true, encoding: .utf8)
        try Self.script.write(toFile: "\(dir)/avalign_check.py", atomically: true, encoding: .utf8)
    }

    /// The Python checker (kept here, not as a .py file, so SwiftPM has no unhandled file).
    static let script = #"""
"""Scores synth clips with the reference AV-Align stack (OpenCV Farneback + librosa onsets).

Usage: SYNTH_DUMP_DIR=/tmp/synth SYNTH_DUMP_COUNT=160 swift test --filter DumpForPython
       python3 /tmp/synth/avalign_check.py /tmp/synth      (or a tar written by `mmdisco-av synth`)
Follows /work/shared/specs/av-align.md: 16 kHz audio resampled to 22,050 Hz (soxr HQ),
onset_detect with librosa defaults, Farneback (0.5, 3, 15, 3, 5, 1.2, 0) on gray frames,
strict peaks >= 0.1, one-to-one IoU with a +-1 frame window. Prints the mean score of
synchronised clips and of pairs re-matched within a class (audio of clip i, video of the
next clip of the same class), plus per-class means.
"""
import json, sys, os
import numpy as np, cv2, librosa

FPS = 10.0

def audio_onsets(audio16k):
    y = librosa.resample(audio16k.astype(np.float32), orig_sr=16000, target_sr=22050, res_type="soxr_hq")
    frames = librosa.onset.onset_detect(y=y, sr=22050, units="frames")
    return [float(f) * 512 / 22050 for f in frames]

def video_peaks(video):
    gray = [cv2.cvtColor(np.ascontiguousarray(f.transpose(1, 2, 0)[:, :, ::-1]), cv2.COLOR_BGR2GRAY) for f in video]
    def mag(a, b):
        flow = cv2.calcOpticalFlowFarneback(a, b, None, 0.5, 3, 15, 3, 5, 1.2, 0)
        m, _ = cv2.cartToPolar(flow[..., 0], flow[..., 1])
        return float(np.mean(m, dtype=np.float64))
    traj = [mag(gray[0], gray[1])] + [mag(gray[i - 1], gray[i]) for i in range(1, len(gray))]
    peaks = [i / FPS for i in range(1, len(traj) - 1) if traj[i - 1] < traj[i] > traj[i + 1] and traj[i] >= 0.1]
    return peaks, traj

def iou(A, V):
    if not A and not V:
        return None
    inter, used = 0, [False] * len(V)
    for a in A:
        for j, v in enumerate(V):
            if not used[j] and v - 1 / FPS < a < v + 1 / FPS:
                inter += 1; used[j] = True; break
    return inter / (len(A) + len(V) - inter)

def clips(path):
    """(metadata, audio [N], video [F,3,64,64]) from a dump directory or a synth tar."""
    if path.endswith(".tar"):
        import tarfile, io
        files = {}
        with tarfile.open(path) as t:
            for m in t:
                key, ext = m.name.split(".", 1)
                files.setdefault(key, {})[ext] = t.extractfile(m).read()
        for key, f in files.items():
            yield (json.loads(f["json"]), np.load(io.BytesIO(f["audio.npy"]))[0], np.load(io.BytesIO(f["video.npy"])))
    else:
        for line in open(os.path.join(path, "clips.jsonl")):
            m = json.loads(line)
            yield (m, np.load(os.path.join(path, m["key"] + ".audio.npy"))[0],
                   np.load(os.path.join(path, m["key"] + ".video.npy")))

def main(d):
    meta, A, V, T = [], {}, {}, {}
    for m, audio, video in clips(d):
        k = m["key"]
        meta.append(m)
        A[k] = audio_onsets(audio)
        V[k], T[k] = video_peaks(video)
    sync, mis, per = [], [], {}
    bad = []
    for m in meta:
        k = m["key"]
        s = iou(A[k], V[k]) or 0.0
        sync.append(s); per.setdefault(m["class_index"], []).append(s)
        if s < 0.99:
            bad.append((k, m["class_index"], m["event_frames"], [round(a, 3) for a in A[k]], [round(v * FPS) for v in V[k]],
                        [round(t, 2) for t in T[k]]))
    by_class = {}
    for m in meta:
        by_class.setdefault(m["class_index"], []).append(m["key"])
    for c, keys in by_class.items():
        for i, k in enumerate(keys):
            other = keys[(i + 1) % len(keys)]
            if other != k:
                mis.append(iou(A[k], V[other]) or 0.0)
    print(f"clips {len(meta)}  synchronised {np.mean(sync):.3f}  mismatched-in-class {np.mean(mis):.3f}")
    for c in sorted(per):
        print(f"  class {c}: {np.mean(per[c]):.3f}")
    for b in bad[:40]:
        print("  low:", b)

if __name__ == "__main__":
    main(sys.argv[1])
"""#
}
