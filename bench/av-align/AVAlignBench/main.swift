import AVAlign
import Foundation

/// Benchmark driver: `AVAlignBench synthetic W H N` times the video side on generated frames.
func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// User + system CPU seconds of this process so far.
func cpu() -> Double {
    var u = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &u)
    return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
}

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

let args = CommandLine.arguments
if args.count >= 5, args[1] == "synthetic", let w = Int(args[2]), let h = Int(args[3]), let n = Int(args[4]) {
    let frames = syntheticFrames(width: w, height: h, count: n)
    let t0 = now(), c0 = cpu()
    let traj = AVAlign.videoTrajectory(grayFrames: frames, width: w, height: h)
    let t1 = now(), c1 = cpu()
    FileHandle.standardError.write("flow: \(n) frames \(w)x\(h) in \(String(format: "%.3f", t1 - t0)) s (\(String(format: "%.1f", (t1 - t0) / Double(n - 1) * 1000)) ms/pair), cpu \(String(format: "%.1f", (c1 - c0) / Double(n - 1) * 1000)) ms/pair; traj[1] = \(traj[1])\n".data(using: .utf8)!)
} else {
    FileHandle.standardError.write("usage: AVAlignBench synthetic W H N\n".data(using: .utf8)!)
    exit(64)
}
