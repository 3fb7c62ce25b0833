import Dispatch

/// Results written from `concurrentPerform` workers, one distinct slot per index.
final class ParallelSlots<T>: @unchecked Sendable {
    private var storage: [T?]
    init(count: Int) { storage = [T?](repeating: nil, count: count) }
    /// Stores slot `i`; each index is written by exactly one worker.
    func set(_ i: Int, _ value: T) { storage.withUnsafeMutableBufferPointer { $0[i] = value } }
    /// All slots once every worker has finished.
    var values: [T] { storage.compactMap { $0 } }
}

/// `(0..<count).map(body)` evaluated on all cores with `DispatchQueue.concurrentPerform`.
func parallelMap<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
    if count == 0 { return [] }
    if count == 1 { return [body(0)] }
    let slots = ParallelSlots<T>(count: count)
    withoutActuallyEscaping(body) { body in
        let box = UncheckedBox(body)
        DispatchQueue.concurrentPerform(iterations: count) { i in slots.set(i, box.value(i)) }
    }
    return slots.values
}

/// Wraps a non-Sendable value whose concurrent use is known to be safe.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
