import CAVCodec
import CAVFormat
import CAVUtil
import CSWResample
import CSWScale
import Dispatch

/// Keeps glibc from returning large blocks to the kernel after every frame pair: the
/// per-level buffers (several MB each) would otherwise be mmap'd, page-faulted and zeroed
/// anew each time, which cost about 15% of the flow time.
private let tuneAllocatorOnce: Void = {
    swift_avalign_keep_large_blocks(512 << 20)
}()

/// Builds the optical-flow magnitude trajectory of a frame sequence, frame by frame, with
/// bounded memory: frames are expanded and paired in batches on all cores. A full batch is
/// processed in the background while the caller goes on appending (at most one batch in
/// flight), so decoding overlaps the flow computation. Use from one thread.
public final class VideoTrajectoryBuilder {
    /// Frame width in pixels.
    public let width: Int
    /// Frame height in pixels.
    public let height: Int
    private let batch: Int
    private var pending: [[UInt8]] = []
    private let state = BatchState()
    private let inFlight = DispatchGroup()
    private let queue = DispatchQueue(label: "avalign.flow")
    /// Frames appended so far.
    public private(set) var frameCount = 0
    /// Seconds spent waiting for the background batch in `append`/`finish`.
    public private(set) var waitSeconds = 0.0

    /// A builder for `width`×`height` gray frames; `batch` frames are processed at once
    /// (default: 8, fewer for large frames so that the expansions in flight, about
    /// 27 bytes per pixel each, stay under 256 MB).
    public init(width: Int, height: Int, batch: Int? = nil) {
        self.width = width
        self.height = height
        let perFrame = max(1, width * height * 27)
        self.batch = max(batch ?? min(8, (256 << 20) / perFrame), 2)
        _ = tuneAllocatorOnce
    }

    /// Appends the next 8-bit gray frame (row-major, `width*height` bytes).
    public func append(gray: [UInt8]) {
        precondition(gray.count == width * height, "gray frame has the wrong size")
        pending.append(gray)
        frameCount += 1
        if pending.count >= batch { submit() }
    }

    /// Seconds the background batches took (wall), for the stage breakdown.
    public var flowSeconds: Double { wait(); return state.busySeconds }

    /// The trajectory: `traj[0] = mag(f0, f1)`, `traj[i] = mag(f[i-1], f[i])` for i ≥ 1;
    /// empty when fewer than two frames were appended.
    public func finish() -> [Double] {
        submit()
        wait()
        guard let first = state.magnitudes.first else { return [] }
        return [first] + state.magnitudes
    }

    private func wait() {
        let t0 = DispatchTime.now().uptimeNanoseconds
        inFlight.wait()
        waitSeconds += Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
    }

    private func submit() {
        guard !pending.isEmpty else { return }
        wait()
        let job = UncheckedBox((frames: pending, state: state, w: width, h: height))
        pending.removeAll(keepingCapacity: true)
        queue.async(group: inFlight) { job.value.state.process(job.value.frames, width: job.value.w, height: job.value.h) }
    }
}

/// The state carried from batch to batch; touched only by one batch at a time.
private final class BatchState: @unchecked Sendable {
    var last: Farneback.FrameExpansion?
    var magnitudes: [Double] = []
    var busySeconds = 0.0

    /// Expands the batch's frames in parallel, then solves the flow of every new pair
    /// (including the previous batch's last frame) in parallel.
    func process(_ frames: [[UInt8]], width w: Int, height h: Int) {
        let t0 = DispatchTime.now().uptimeNanoseconds
        let expanded = parallelMap(frames.count) { Farneback.expand(gray: frames[$0], width: w, height: h) }
        let chain = (last.map { [$0] } ?? []) + expanded
        if chain.count > 1 {
            let mags = parallelMap(chain.count - 1) {
                Farneback.meanMagnitude(Farneback.flow(from: chain[$0], to: chain[$0 + 1]))
            }
            magnitudes.append(contentsOf: mags)
        }
        last = chain.last
        busySeconds += Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
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
