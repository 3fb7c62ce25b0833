import ArgumentParser

/// The options every training command shares: checkpoints, resuming, logging.
struct TrainingRunOptions: ParsableArguments {
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
        guard checkpointEvery >= 1, logEvery >= 1 else { throw ValidationError("--checkpoint-every and --log-every must be at least 1") }
    }
}
