import AVAlign
import Foundation
import MediaIO

// Benchmark driver of bench/av-align/run.
//   AVAlignBench media FILE...     runs AV-Align on each file, one JSON line per clip on stdout
//                                  (with a per-stage timing breakdown), totals on stderr
//   AVAlignBench synthetic W H N   times the video side on generated frames

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// User + system CPU seconds of this process so far.
func cpu() -> Double {
    var u = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &u)
    return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
}

func log(_ s: String) { FileHandle.standardError.write((s + "\n").data(using: .utf8) ?? Data()) }

func syntheticFrames(width w: Int, height h: Int, count n: Int) -> [[UInt8]] {
    (0..<n).map { t in
        var f = [UInt8](repeating: 0, count: w * h)
        for y in 0..<h {
            for x in 0..<w {
                let v = 128 + 60 * sin(Double(x + 2 * t) * 0.07) * cos(Double(y - t) * 0.05)
                f[y * w + x] = UInt8(max(0, min(255, v + Double((x * 7 + y * 13 + t) % 5))))
            }
        }
        return f
    }
}

func json(_ value: Any) -> String {
    guard let d = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]),
          let s = String(data: d, encoding: .utf8) else { return "{}" }
    return s
}

let args = CommandLine.arguments
if args.count >= 5, args[1] == "synthetic", let w = Int(args[2]), let h = Int(args[3]), let n = Int(args[4]) {
    let frames = syntheticFrames(width: w, height: h, count: n)
    let t0 = now(), c0 = cpu()
    let traj = AVAlign.videoTrajectory(grayFrames: frames, width: w, height: h)
    let t1 = now(), c1 = cpu()
    log("flow: \(n) frames \(w)x\(h) in \(String(format: "%.3f", t1 - t0)) s "
        + "(\(String(format: "%.1f", (t1 - t0) / Double(n - 1) * 1000)) ms/pair), "
        + "cpu \(String(format: "%.1f", (c1 - c0) / Double(n - 1) * 1000)) ms/pair; traj[1] = \(traj[1])")
} else if args.count >= 3, args[1] == "media" {
    let t0 = now()
    var sums = (decode: 0.0, flow: 0.0, audio: 0.0)
    for path in args.dropFirst(2) {
        do {
            let (r, t) = try AVAlignRunner.run(path: path)
            sums.decode += t.decode; sums.flow += t.flow; sums.audio += t.audio
            var line: [String: Any] = [
                "file": (path as NSString).lastPathComponent, "fps": r.fps, "frames": r.frames,
                "audio_peaks": r.audioPeaks, "video_peaks": r.videoPeaks,
                "timing": ["decode": t.decode, "flow": t.flow, "audio": t.audio, "total": t.total],
            ]
            line["score"] = r.score ?? NSNull()
            if let reason = r.reason { line["reason"] = reason }
            print(json(line))
        } catch {
            print(json(["file": (path as NSString).lastPathComponent, "error": "\(error)"]))
        }
    }
    log(String(format: "ours: wall %.3f s (decode %.3f, flow %.3f, audio %.3f; decode overlaps flow)",
               now() - t0, sums.decode, sums.flow, sums.audio))
} else if args.count == 3, args[1] == "trajectory" {
    // Debug aid: the flow trajectory, one value per line.
    let (r, _) = try AVAlignRunner.run(path: args[2])
    for (i, v) in r.trajectory.enumerated() { print(i, v) }
} else if args.count == 3, args[1] == "frames" {
    // Debug aid: index, times and byte sum of every decoded gray frame.
    let reader = try MediaReader(path: args[2])
    try reader.decode(start: 0, duration: nil, audio: nil,
                      video: VideoSpec(fps: nil, size: nil, fit: .pad, pixels: .bgr24, autorotate: false),
                      onAudio: { _ in },
                      onFrame: { f in
                          let g = GrayConversion.gray(bgr24: f.pixels, width: f.width, height: f.height)
                          print(f.index, f.time, f.sourceTime, g.reduce(0) { $0 + Int($1) })
                      })
} else {
    log("usage: AVAlignBench media FILE... | AVAlignBench synthetic W H N")
    exit(64)
}
