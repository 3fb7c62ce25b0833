import Foundation
import Guidance
#if canImport(Glibc)
import Glibc
#endif

/// The step loop of `train-base`: loss and throughput lines, periodic checkpoints, and a
/// clean stop on SIGINT/SIGTERM after the current step.
struct BaseTrainingLoop {
    let trainer: BaseModelTrainer
    let data: BaseModelData
    let quiet: Bool
    let logEvery: Int
    let checkpoint: String?
    let checkpointEvery: Int

    /// Trains until `trainer.step == target` or an interrupt; writes the checkpoint at the end.
    func run(until target: Int) throws {
        var window: [Float] = []
        var windowStart = Date()
        let start = Date(), firstStep = trainer.step
        while trainer.step < target, Interrupt.received == nil {
            let loss = try trainer.trainStep(on: data)
            guard loss.isFinite else { throw TrainingError("loss became \(loss) at step \(trainer.step)") }
            window.append(loss)
            if !quiet, trainer.step % logEvery == 0 || trainer.step == target {
                let seconds = Date().timeIntervalSince(windowStart)
                let mean = window.reduce(0, +) / Float(window.count)
                let rate = Double(window.count) / max(seconds, 1e-9)
                let remaining = Double(target - trainer.step) / max(rate, 1e-9)
                log("train-base", String(format: "step %d/%d loss %.4f  %.2f steps/s  %.1f clips/s  elapsed %.0f s  eta %.0f s",
                                         trainer.step, target, mean, rate, rate * Double(trainer.batchSize),
                                         Date().timeIntervalSince(start), remaining))
                window.removeAll()
                windowStart = Date()
            }
            if let checkpoint, trainer.step % checkpointEvery == 0 { try save(checkpoint) }
        }
        if let checkpoint, trainer.step != firstStep || !FileManager.default.fileExists(atPath: checkpoint) { try save(checkpoint) }
    }

    private func save(_ path: String) throws {
        try Self.atomicWrite(to: path) { try BaseModelCheckpoint.saveCheckpoint(trainer, to: $0) }
    }

    /// Writes through `body` into a temporary file beside `path`, then renames it into place.
    static func atomicWrite(to path: String, _ body: (URL) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        do {
            try body(tmp)
            guard rename(tmp.path, url.path) == 0 else {
                throw TrainingError("cannot rename \(tmp.path) to \(path): \(String(cString: strerror(errno)))")
            }
        } catch {
            try? FileManager.default.removeItem(at: tmp)
            throw error
        }
    }
}

/// A training run that cannot continue.
struct TrainingError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
