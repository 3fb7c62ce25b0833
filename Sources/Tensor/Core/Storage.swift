import Foundation

/// Owned, 64-byte aligned Float32 buffer that returns itself to the `BufferPool` when freed.
///
/// Thread safety: the pointer is immutable; the contents are written only by the op that
/// creates the storage (before it is shared) and by optimisers, which the caller must not
/// run concurrently with ops reading the same parameters. Hence `@unchecked Sendable`.
final class Storage: @unchecked Sendable {
    /// First element.
    let pointer: UnsafeMutablePointer<Float>
    /// Number of Float elements.
    let count: Int

    /// A storage of `count` uninitialised floats, taken from the pool when one of that size is free.
    init(count: Int) {
        self.count = count
        self.pointer = BufferPool.shared.take(count: count)
    }

    /// A storage of `count` zeros.
    convenience init(zeros count: Int) {
        self.init(count: count)
        pointer.update(repeating: 0, count: count)
    }

    deinit { BufferPool.shared.give(pointer, count: count) }
}

/// A pool of freed buffers keyed by exact element count.
///
/// A training step allocates the same shapes every time; handing buffers back instead of
/// freeing them avoids the page faults that glibc's malloc causes for large blocks
/// (see ANCHORS.md: they double PyTorch's step time). The pool keeps at most `capacityBytes`
/// (half the physical memory by default; `TensorEngine.bufferPoolCapacity` changes it).
final class BufferPool: @unchecked Sendable {
    /// The process-wide pool.
    static let shared = BufferPool()

    private let lock = NSLock()
    private var free: [Int: [UnsafeMutablePointer<Float>]] = [:]
    private var pooledBytes = 0
    private var capacity = Int(ProcessInfo.processInfo.physicalMemory / 2)

    /// Upper bound on bytes kept in the pool.
    var capacityBytes: Int {
        get { lock.lock(); defer { lock.unlock() }; return capacity }
        set { lock.lock(); capacity = newValue; lock.unlock() }
    }

    /// A buffer of `count` floats (contents undefined).
    func take(count: Int) -> UnsafeMutablePointer<Float> {
        let n = max(count, 1)
        lock.lock()
        if var list = free[n], let p = list.popLast() {
            free[n] = list
            pooledBytes -= n * 4
            lock.unlock()
            return p
        }
        lock.unlock()
        var raw: UnsafeMutableRawPointer?
        let rc = posix_memalign(&raw, 64, n * 4)
        guard rc == 0, let raw else {
            preconditionFailure("Tensor: out of memory allocating \(n * 4) bytes")
        }
        return raw.bindMemory(to: Float.self, capacity: n)
    }

    /// Returns a buffer to the pool, or frees it when the pool is full.
    func give(_ p: UnsafeMutablePointer<Float>, count: Int) {
        let n = max(count, 1)
        lock.lock()
        if pooledBytes + n * 4 <= capacity {
            free[n, default: []].append(p)
            pooledBytes += n * 4
            lock.unlock()
            return
        }
        lock.unlock()
        Foundation.free(p)
    }

    /// Frees every pooled buffer.
    func drain() {
        lock.lock()
        let all = free
        free = [:]
        pooledBytes = 0
        lock.unlock()
        for (_, list) in all { for p in list { Foundation.free(p) } }
    }
}
