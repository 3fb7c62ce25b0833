import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// The options every training command shares: where the weights go, how long to train, the
/// seed and text dropout, checkpoints, resuming, logging.
struct TrainingRunOptions: ParsableArguments {
    @Option(name: [.short, .customLong("output")],
            help: ArgumentHelp("Write the weights to FILE (atomically) instead of stdout.", valueName: "FILE"))
    var output: String?

    @Option(help: ArgumentHelp("Train until this many optimiser steps in all (a resumed run counts its earlier steps).", valueName: "N"))
    var steps: Int = 2000

    @Option(help: ArgumentHelp("Seed of the initial weights and of every step's examples, noise and dropout.", valueName: "N"))
    var seed: UInt64 = 0

    @Option(name: .customLong("text-dropout"), help: ArgumentHelp("Probability of training on the empty prompt.", valueName: "P"))
    var textDropout: Double = 0.1

    @Option(help: ArgumentHelp("Write a resumable checkpoint (weights, optimiser state, step and settings) to FILE at the end and every --checkpoint-every steps.", valueName: "FILE"))
    var checkpoint: String?

    @Option(name: .customLong("checkpoint-every"), help: ArgumentHelp("Steps between checkpoints.", valueName: "N"))
    var checkpointEvery: Int = 500

    @Option(help: ArgumentHelp("Continue from a checkpoint: its network, seed and settings (--lr overrides its learning rate).", valueName: "FILE"))
    var resume: String?

    @Option(name: .customLong("log-every"), help: ArgumentHelp("Steps between loss lines on stderr.", valueName: "N"))
    var logEvery: Int = 50

    @Flag(name: [.short, .long], help: "Print only errors.")
    var quiet = false

    func validate() throws {
        guard steps >= 0 else { throw ValidationError("--steps must not be negative") }
        guard (0...1).contains(textDropout) else { throw ValidationError("--text-dropout must be in [0, 1]") }
        if output == nil && isatty(1) == 1 {
            throw ValidationError("refusing to write weights to a terminal: redirect stdout or use -o FILE")
        }
        guard checkpointEvery >= 1, logEvery >= 1 else { throw ValidationError("--checkpoint-every and --log-every must be at least 1") }
    }
}
