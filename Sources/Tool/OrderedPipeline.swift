import Foundation

/// Runs work items on several threads and hands their outputs to one consumer in input order.
///
/// Each item streams outputs through a bounded buffer, so a long clip never holds more than
/// `capacity` outputs in memory, and at most `jobs` items run ahead of the consumer.
final class OrderedPipeline<Item: Sendable, Output: Sendable, Outcome: Sendable>: @unchecked Sendable {
    /// Thrown into a worker's `emit` when the consumer has stopped.
    struct Cancelled: Error {}

    private struct Slot {
        var outputs: [Output] = []
        var result: Result<Outcome, Error>?
    }

    private let items: [Item]
    private let jobs: Int
    private let capacity: Int
    private let condition = NSCondition()
    private var slots: [Slot]
    private var nextToStart = 0
    private var consumerPosition = 0
    private var cancelled = false

    /// Prepares to run `items` on `jobs` threads with `capacity` outputs buffered per item.
    init(items: [Item], jobs: Int, capacity: Int) {
        self.items = items
        self.jobs = max(1, jobs)
        self.capacity = max(1, capacity)
        self.slots = Array(repeating: Slot(), count: items.count)
    }

    /// Runs everything. `work` streams outputs through `emit`; `consume` and `finish` run on the
    /// calling thread in input order. `shouldStop` is polled while waiting (interrupts).
    /// Returns false when stopped early by `shouldStop`.
    func run(work: @escaping @Sendable (Item, (Output) throws -> Void) throws -> Outcome,
             consume: (Item, Output) throws -> Void,
             finish: (Item, Result<Outcome, Error>) throws -> Void,
             shouldStop: () -> Bool) throws -> Bool {
        let group = DispatchGroup()
        for _ in 0..<min(jobs, items.count) {
            group.enter()
            let thread = Thread { [self] in
                workerLoop(work)
                group.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        defer { cancel() }
        for i in items.indices {
            while true {
                condition.lock()
                while slots[i].outputs.isEmpty && slots[i].result == nil {
                    if shouldStop() { condition.unlock(); return false }
                    _ = condition.wait(until: Date(timeIntervalSinceNow: 0.1))
                }
                let outputs = slots[i].outputs
                slots[i].outputs.removeAll()
                let result = outputs.isEmpty ? slots[i].result : nil
                condition.broadcast()
                condition.unlock()
                for o in outputs {
                    if shouldStop() { return false }
                    try consume(items[i], o)
                }
                if let result {
                    condition.lock()
                    slots[i] = Slot()
                    consumerPosition = i + 1
                    condition.broadcast()
                    condition.unlock()
                    try finish(items[i], result)
                    break
                }
            }
        }
        return true
    }

    /// Stops the workers at their next emit.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    private func workerLoop(_ work: (Item, (Output) throws -> Void) throws -> Outcome) {
        while true {
            condition.lock()
            while !cancelled && nextToStart < items.count && nextToStart >= consumerPosition + jobs {
                condition.wait()
            }
            guard !cancelled, nextToStart < items.count else { condition.unlock(); return }
            let i = nextToStart
            nextToStart += 1
            condition.unlock()

            let result = Result { try work(items[i]) { output in try self.emit(output, slot: i) } }
            condition.lock()
            slots[i].result = result
            condition.broadcast()
            condition.unlock()
        }
    }

    private func emit(_ output: Output, slot i: Int) throws {
        condition.lock()
        defer { condition.unlock() }
        while !cancelled && slots[i].outputs.count >= capacity { condition.wait() }
        if cancelled { throw Cancelled() }
        slots[i].outputs.append(output)
        condition.broadcast()
    }
}
