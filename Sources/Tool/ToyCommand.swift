import ArgumentParser
import Foundation
import Guidance
import MediaIO
import Tensor

/// `mmdisco-av toy`: the paper's toy experiment (Table 1, Figure 2) in one command.
struct Toy: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "toy",
        abstract: "Run the MMDisCo paper's toy experiment and print its Table 1 (and draw Figure 2).",
        discussion: """
            Trains a 1-D diffusion model on 500 samples of a 5-peak Gaussian mixture, draws 500 fake \
            (x, y) pairs from it twice independently, and for two 2-D targets (in-domain: 5 peaks \
            whose marginals are the base's; out-of-domain: the 4 corners and the centre) trains \
            discriminators with the disc, dsm and full losses. Then it samples 4000 pairs per \
            setting with ancestral DDPM over 500 steps and joint guidance, and prints per row: \
            NLL (nats per sample under an isotropic Gaussian KDE with bandwidth 0.25 fitted on 4000 \
            fresh ground-truth samples), on-target (fraction within 0.3 of a target mean) and mode \
            balance (max/min count over the 5 target modes).

            Examples:
              mmdisco-av toy --quick
              mmdisco-av toy --format json --plot figure2.svg > table1.json
            """)

    @Flag(help: "A small configuration (few training steps, 1000 samples) that runs in seconds.")
    var quick = false

    @Option(help: ArgumentHelp("Seed of the whole run; the same seed on the same machine gives the same table.", valueName: "N"))
    var seed: UInt64 = 0

    @Option(help: "Output format: a table, or a JSON array of rows.")
    var format: ToyFormat = .table

    @Option(help: ArgumentHelp("Draw Figure 2 as SVG: one scatter panel per row, target means marked.", valueName: "FILE.svg"))
    var plot: String?

    @Option(name: .customLong("base-steps"), help: ArgumentHelp("Training steps of the base model (default 20000; --quick 1500).", valueName: "N"))
    var baseSteps: Int?

    @Option(name: .customLong("disc-steps"), help: ArgumentHelp("Training steps of each discriminator (default 10000; --quick 600).", valueName: "N"))
    var discSteps: Int?

    @Option(help: ArgumentHelp("Weight of L_dsm in the full loss.", valueName: "LAMBDA"))
    var lambda: Float = 1

    @Option(help: ArgumentHelp("Discriminator losses to train, comma-separated (disc,dsm,full).", valueName: "LIST"))
    var losses: String = "disc,dsm,full"

    @Option(help: ArgumentHelp("Samples drawn for evaluation per row (default 4000; --quick 1000).", valueName: "N"))
    var samples: Int?

    @Option(name: .customLong("base-model"), help: ArgumentHelp("Load the base model from this safetensors file instead of training it.", valueName: "FILE"))
    var baseModel: String?

    @Option(name: .customLong("save-base"), help: ArgumentHelp("Save the trained base model to this safetensors file.", valueName: "FILE"))
    var saveBase: String?

    mutating func validate() throws {
        for (name, v) in [("--base-steps", baseSteps), ("--disc-steps", discSteps), ("--samples", samples)] {
            if let v, v < 1 { throw ValidationError("\(name) must be at least 1") }
        }
        _ = try parsedLosses()
    }

    func parsedLosses() throws -> [ToyDiscriminatorLoss] {
        try losses.split(separator: ",").map {
            guard let l = ToyDiscriminatorLoss(rawValue: $0.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("unknown loss '\($0)': use disc, dsm or full")
            }
            return l
        }
    }

    func run() throws {
        var config = ToyConfiguration()
        config.seed = seed
        config.bandwidths = [0.25]
        config.losses = try parsedLosses()
        config.lambda = lambda
        config.baseSteps = baseSteps ?? (quick ? 1500 : 20_000)
        config.discriminatorSteps = discSteps ?? (quick ? 600 : 10_000)
        config.evaluationCount = samples ?? (quick ? 1000 : 4000)
        let experiment = try ToyExperiment(config)
        let start = Date()
        let say: ToyProgress = { log("toy", String(format: "[%6.1fs] ", Date().timeIntervalSince(start)) + $0) }
        let base: ToyMLP
        if let baseModel {
            base = experiment.makeBase()
            try base.load(contentsOf: URL(fileURLWithPath: baseModel))
            say("loaded the base model from \(baseModel)")
        } else {
            say("training the base model: \(config.baseSteps) steps, batch \(config.batchSize)")
            base = try experiment.trainBase(progress: say).model
        }
        if let saveBase { try base.save(to: URL(fileURLWithPath: saveBase)) }
        let rows = try experiment.run(base: base, progress: say)
        say("done")
        let out = ByteSink(fileDescriptor: 1, name: "stdout")
        do {
            switch format {
            case .table: try out.write(Array(ToyReport.table(rows).utf8))
            case .json: try out.write(Array(try ToyReport.json(rows).utf8))
            }
        } catch OutputError.brokenPipe {
            exitQuietlyOnBrokenPipe()
        }
        if let plot {
            let file = try AtomicFile(path: plot)
            try file.sink.write(Array(ToyReport.svg(rows).utf8))
            try file.commit()
        }
    }
}

/// How `toy` prints its table.
enum ToyFormat: String, ExpressibleByArgument, CaseIterable { case table, json }
