import Foundation
import COpenBLAS

/// Engine-wide settings.
public enum TensorEngine {
    /// Number of threads elementwise kernels split work over (the machine's cores).
    public static let threads = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// The number of threads OpenBLAS uses (1 once the engine has run a product).
    public static var blasThreads: Int { Int(openblas_get_num_threads()) }
    /// Upper bound in bytes on freed buffers kept for reuse (default: half the physical memory).
    public static var bufferPoolCapacity: Int {
        get { BufferPool.shared.capacityBytes }
        set { BufferPool.shared.capacityBytes = newValue }
    }
    /// Frees the buffers held for reuse.
    public static func drainBufferPool() { BufferPool.shared.drain() }

    /// Done once before the first sgemm: OpenBLAS runs single-threaded and the engine splits
    /// large products over the cores itself (`sgemmParallel`, per-sample conv work).
    static let blasSetUp: Bool = {
        openblas_set_num_threads(1)
        return true
    }()

    /// The OpenBLAS kernel family in use (e.g. "SkylakeX", "Haswell").
    public static var blasCore: String {
        guard let p = openblas_get_corename() else { return "unknown" }
        return String(cString: p)
    }

}

/// Runs `body` on disjoint sub-ranges of `0..<n`, in parallel when each part gets at least `grain` items.
@inline(__always)
func parallelRanges(_ n: Int, grain: Int, _ body: (Range<Int>) -> Void) {
    let parts = min(TensorEngine.threads, n / max(grain, 1))
    if parts < 2 {
        body(0..<n)
        return
    }
    withoutActuallyEscaping(body) { escapable in
        let box = UncheckedSendableBox(escapable)
        DispatchQueue.concurrentPerform(iterations: parts) { i in
            box.value((i * n / parts)..<((i + 1) * n / parts))
        }
    }
}

/// Carries a value into `concurrentPerform`. Unchecked: callers give each worker a disjoint
/// output range, so the workers never write the same memory.
struct UncheckedSendableBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Counts of conv kernel calls by kind, for tests that check which work a gradient does.
final class KernelCounters: @unchecked Sendable {
    /// The process-wide counters.
    static let shared = KernelCounters()
    private let lock = NSLock()
    private var counts: [String: Int] = [:]

    /// Adds one call of `kind`.
    func record(_ kind: String) {
        lock.lock()
        counts[kind, default: 0] += 1
        lock.unlock()
    }

    /// Calls of `kind` so far.
    func count(_ kind: String) -> Int {
        lock.lock()
        defer { lock.unlock() }
        return counts[kind] ?? 0
    }
}
