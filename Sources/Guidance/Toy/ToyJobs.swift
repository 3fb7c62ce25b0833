import Foundation

/// Runs independent jobs of the toy experiment on a few threads.
///
/// Each job must own everything it mutates (its own network, optimiser and seeded generator)
/// and only read what it shares (the frozen base model, the data), so its result does not
/// depend on which thread runs it or when: the results are identical for any `workers`.
enum ToyJobs {
    /// `body(i)` for every i in `0..<count`, on up to `workers` threads taking the jobs in
    /// index order as they become free; returns the results in index order. The first
    /// error (by index) is rethrown after every job has finished.
    ///
    /// With several workers all of them are dispatch worker threads (the caller only waits),
    /// so every job runs at the same scheduling priority: libdispatch gives its workers its
    /// own priority, not the caller's `nice` value.
    static func run<R>(count: Int, workers: Int, _ body: @escaping (Int) throws -> R) throws -> [R] {
        let slots = ResultSlots<R>(count: count)
        let threads = max(1, min(workers, count))
        if threads == 1 {
            for i in 0..<count { slots.store(i, Result { try body(i) }) }
        } else {
            let job = UncheckedBox(body)
            let group = DispatchGroup()
            for _ in 0..<threads {
                DispatchQueue.global().async(group: group) {
                    while let i = slots.claim() { slots.store(i, Result { try job.value(i) }) }
                }
            }
            group.wait()
        }
        return try slots.results()
    }
}

/// Carries a value that is not `Sendable` into worker threads. Unchecked: `ToyJobs.run`'s
/// callers give every job its own mutable state.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Job indices to hand out and result slots to fill, under a lock.
private final class ResultSlots<R>: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private var slots: [Result<R, any Error>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    /// The next unclaimed job index, or nil when all are taken.
    func claim() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < slots.count else { return nil }
        next += 1
        return next - 1
    }

    /// Records the outcome of job i.
    func store(_ i: Int, _ r: Result<R, any Error>) {
        lock.lock()
        slots[i] = r
        lock.unlock()
    }

    /// Every result in index order, or the first error.
    func results() throws -> [R] {
        lock.lock()
        defer { lock.unlock() }
        return try slots.map { slot in
            guard let slot else { throw GuidanceError.invalidConfiguration("a toy job did not run") }
            return try slot.get()
        }
    }
}

/// A progress callback that may be called from several threads: calls are serialised.
final class SerialProgress: @unchecked Sendable {
    private let lock = NSLock()
    private let progress: ToyProgress?

    /// Wraps `progress` (nil: messages are dropped).
    init(_ progress: ToyProgress?) { self.progress = progress }

    /// Passes `message` on, one call at a time.
    func say(_ message: String) {
        guard let progress else { return }
        lock.lock()
        progress(message)
        lock.unlock()
    }
}
