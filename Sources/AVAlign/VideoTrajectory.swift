import CAVUtil

/// Keeps glibc from returning large blocks to the kernel after every frame pair: the
/// per-level buffers (several MB each) would otherwise be mmap'd, page-faulted and zeroed
/// anew each time, which cost about 15% of the flow time.
private let tuneAllocatorOnce: Void = {
    swift_avalign_keep_large_blocks(512 << 20)
}()

/// Builds the optical-flow magnitude trajectory of a frame sequence, frame by frame, with
/// bounded memory: frames are expanded and paired in batches on all cores.
public final class VideoTrajectoryBuilder {
    /// Frame width in pixels.
    public let width: Int
    /// Frame height in pixels.
    public let height: Int
    private let batch: Int
    private var pending: [[UInt8]] = []
    private var last: Farneback.FrameExpansion?
    private var magnitudes: [Double] = []
    /// Frames appended so far.
    public private(set) var frameCount = 0

    /// A builder for `width`×`height` gray frames; `batch` frames are processed at once.
    public init(width: Int, height: Int, batch: Int = 8) {
        self.width = width
        self.height = height
        self.batch = max(batch, 1)
        _ = tuneAllocatorOnce
    }

    /// Appends the next 8-bit gray frame (row-major, `width*height` bytes).
    public func append(gray: [UInt8]) {
        precondition(gray.count == width * height, "gray frame has the wrong size")
        pending.append(gray)
        frameCount += 1
        if pending.count >= batch { flush() }
    }

    /// Mean flow magnitudes of consecutive pairs so far (`mag(f[j], f[j+1])` at index j).
    public var pairMagnitudes: [Double] { flush(); return magnitudes }

    /// The trajectory: `traj[0] = mag(f0, f1)`, `traj[i] = mag(f[i-1], f[i])` for i ≥ 1;
    /// empty when fewer than two frames were appended.
    public func finish() -> [Double] {
        flush()
        guard let first = magnitudes.first else { return [] }
        return [first] + magnitudes
    }

    private func flush() {
        guard !pending.isEmpty else { return }
        let frames = pending
        pending.removeAll(keepingCapacity: true)
        let w = width, h = height
        let expanded = parallelMap(frames.count) { Farneback.expand(gray: frames[$0], width: w, height: h) }
        let chain = (last.map { [$0] } ?? []) + expanded
        let pairs = chain.count - 1
        if pairs > 0 {
            let mags = parallelMap(pairs) { Farneback.meanMagnitude(Farneback.flow(from: chain[$0], to: chain[$0 + 1])) }
            magnitudes.append(contentsOf: mags)
        }
        last = chain.last
    }
}

/// Peak picking on the flow trajectory.
public enum VideoPeaks {
    /// Indices i in 1...N-2 with `traj[i-1] < traj[i] > traj[i+1]` (strict) and
    /// `traj[i] >= threshold` (0.1 in the reference).
    public static func peakIndices(_ traj: [Double], threshold: Double = 0.1) -> [Int] {
        guard traj.count >= 3 else { return [] }
        return (1..<(traj.count - 1)).filter { i in
            traj[i - 1] < traj[i] && traj[i] > traj[i + 1] && traj[i] >= threshold
        }
    }

    /// Peak times `Double(i) / fps` in seconds.
    public static func peakTimes(_ traj: [Double], fps: Double, threshold: Double = 0.1) -> [Double] {
        peakIndices(traj, threshold: threshold).map { Double($0) / fps }
    }
}
