import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Latent
import MediaIO
import Tensor

/// Driver for the latent benchmarks (bench/latent/*.py call it):
///   LatentBench run DIR INPUT.npy OUTDIR   encode INPUT [B, C, H, W] and decode the mean; writes
///                                          mean.npy, logvar.npy, decoded.npy to OUTDIR
///   LatentBench throughput DIR CLIPS FRAMES SIZE BATCH
///                                          encode CLIPS random clips of FRAMES frames, BATCH frames
///                                          per call; prints seconds and clips per minute
///   LatentBench mel INPUT.npy FRAMES OUT.npy  AudioLDM log-mel of 16 kHz samples -> [FRAMES, 64]
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("LatentBench: \(message)\n".utf8))
    exit(1)
}

func readTensor(_ path: String) throws -> Tensor {
    let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    let a = try NpyCoding.decode(bytes)
    return Tensor(shape: a.shape, data: try a.floats())
}

func write(_ t: Tensor, _ path: String) throws {
    let a = try NpyArray(float32: t.scalars, shape: t.shape)
    try Data(NpyCoding.encode(a)).write(to: URL(fileURLWithPath: path))
}

/// User + system CPU time of this process so far.
func cpuSeconds() -> Double {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
}

let args = CommandLine.arguments
guard args.count >= 2 else { fail("usage: LatentBench run|throughput ...") }
do {
    switch args[1] {
    case "run" where args.count == 5:
        let vae = try AutoencoderKL(directory: URL(fileURLWithPath: args[2]))
        let x = try readTensor(args[3])
        let t0 = Date()
        let post = try vae.encode(x)
        let t1 = Date()
        let y = try vae.decode(post.mean)
        let t2 = Date()
        try write(post.mean, args[4] + "/mean.npy")
        try write(post.logVariance, args[4] + "/logvar.npy")
        try write(y, args[4] + "/decoded.npy")
        print(String(format: "encode %.3f s decode %.3f s", t1.timeIntervalSince(t0), t2.timeIntervalSince(t1)))
    case "throughput" where args.count == 7:
        guard let clips = Int(args[3]), let frames = Int(args[4]), let size = Int(args[5]), let batch = Int(args[6]),
              clips > 0, frames > 0, size > 0, batch > 0 else { fail("throughput: CLIPS FRAMES SIZE BATCH must be positive integers") }
        let vae = try AutoencoderKL(directory: URL(fileURLWithPath: args[2]))
        var rng = Xoshiro256(seed: 1)
        let clip = Tensor.uniform([frames, vae.config.inChannels, size, size], -1, 1, rng: &rng)
        // one warm-up call fills the buffer pool
        _ = try vae.encode(clip.slice(axis: 0, 0..<min(batch, frames)))
        let t0 = Date(), c0 = cpuSeconds()
        for _ in 0..<clips {
            var start = 0
            while start < frames {
                let end = min(start + batch, frames)
                _ = try vae.encode(clip.slice(axis: 0, start..<end))
                start = end
            }
        }
        let secs = Date().timeIntervalSince(t0), cpu = cpuSeconds() - c0
        print(String(format: "seconds %.3f cpu_seconds %.3f clips_per_minute %.3f blas ", secs, cpu, Double(clips) * 60 / secs)
              + TensorEngine.blasCore)
    case "mel" where args.count == 5:
        guard let frames = Int(args[3]), frames > 0 else { fail("mel: FRAMES must be a positive integer") }
        let x = try readTensor(args[2])
        let m = try AudioLDMMel(frames: frames).logMel(x.scalars)
        try write(Tensor(shape: [frames, AudioLDMMel.nMels], data: m), args[4])
    default:
        fail("usage: LatentBench run DIR INPUT.npy OUTDIR | throughput DIR CLIPS FRAMES SIZE BATCH | mel INPUT.npy FRAMES OUT.npy")
    }
} catch {
    fail("\(error)")
}
