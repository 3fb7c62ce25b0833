import ArgumentParser
import Foundation
import Guidance
import MediaIO
#if canImport(Glibc)
import Glibc
#endif

/// `mmdisco-av train`: train the MMDisCo discriminator on real pairs against the base models' fakes.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train the joint discriminator (MMDisCo) on real audio-video pairs against fake pairs from the base models.",
        discussion: """
            The discriminator D(a_t, v_t, t, text) learns to tell real pairs (a prep or synth \
            tar) from negatives: fake pairs that the two base models made independently (a \
            `sample` tar) and, with --mismatched, real clips re-paired within their class (the \
            audio of one clip with the video of another: what perfect base models would give). \
            Its input-gradient then steers `generate`. Both modalities of a pair are noised at \
            one uniform step t with fresh noise; the caption goes through the text encoder and \
            is added to the time embedding, dropped to the empty prompt with probability \
            --text-dropout so classifier-free guidance works.

            Loss (--loss): disc = BCE on the logits (real 1, negative 0); dsm = on real pairs, \
            the residual r = -sigma_t d logit_e / dx must equal the noise the frozen base models \
            got wrong (a second-order loss: its gradient differentiates D's input-gradient); \
            full = disc + --lambda × dsm. The base models (--models, as for `sample`) are only \
            evaluated, never trained.

            Network: two streams keep the time axis at the frame rate (video: frames pooled by \
            --video-pool, 2d+1d convs; audio: --audio-fold samples per position, 1-D convs, two \
            4× poolings to one position per frame), joined frame by frame by --fusion-blocks \
            temporal ResBlocks, then averaged to one logit. Weights go to -o FILE or stdout as \
            safetensors with PyTorch state_dict names and the configuration in the metadata; \
            --checkpoint keeps Adam's state for --resume. Loss, accuracy and rate go to stderr.

            Examples:
              mmdisco-av synth --count 2000 --seed 1 -o real.tar
              mmdisco-av sample --text "playing drums" --count 64 -o fake.tar
              mmdisco-av train --real real.tar --fake fake.tar --steps 3000 -o discriminator.safetensors
              mmdisco-av train --real real.tar --fake fake.tar --loss disc --steps 3000 -o disc-only.safetensors
            """)

    @Option(help: ArgumentHelp("Real pairs: a prep or synth tar ('-' for stdin); repeat for several shards.", valueName: "TAR"))
    var real: [String]

    @Option(help: ArgumentHelp("Fake pairs from the base models: a `sample` tar; repeat for several shards.", valueName: "TAR"))
    var fake: [String]

    @Option(help: ArgumentHelp("Directory with the base models audio.safetensors and video.safetensors (default: as for `sample`).", valueName: "DIR"))
    var models: String?

    @Option(name: .customLong("batch-size"), help: ArgumentHelp("Real pairs per step (and as many negatives).", valueName: "N"))
    var batchSize: Int = 8

    @Option(help: ArgumentHelp("Adam learning rate (default 1e-3, or the checkpoint's with --resume).", valueName: "RATE"))
    var lr: Float?

    @Option(help: ArgumentHelp("The loss: disc, dsm or full (disc + lambda dsm) (default full, or the checkpoint's with --resume).", valueName: "LOSS"))
    var loss: DiscriminatorLoss?

    @Option(help: ArgumentHelp("Weight of the dsm term in the full loss (default 1, or the checkpoint's with --resume).", valueName: "X"))
    var lambda: Double?

    @Option(help: ArgumentHelp("Fraction of negatives that are real clips re-paired within their class instead of fakes (0 = fakes only, as in the paper; default 0.5, or the checkpoint's with --resume).", valueName: "P"))
    var mismatched: Double?


    @Option(help: ArgumentHelp("Widths of the two stream levels (default 16,32).", valueName: "LIST"))
    var channels: String = "16,32"

    @Option(name: .customLong("blocks-per-level"), help: ArgumentHelp("ResBlocks per stream level.", valueName: "N"))
    var blocksPerLevel: Int = 1

    @Option(name: .customLong("fusion-channels"), help: ArgumentHelp("Width of the temporal fusion blocks.", valueName: "N"))
    var fusionChannels: Int = 64

    @Option(name: .customLong("fusion-blocks"), help: ArgumentHelp("Number of temporal fusion blocks.", valueName: "N"))
    var fusionBlocks: Int = 2

    @Option(name: .customLong("video-pool"), help: ArgumentHelp("Average-pool each frame by this factor before the video stem.", valueName: "N"))
    var videoPool: Int = 4

    @Option(name: .customLong("audio-fold"), help: ArgumentHelp("Audio samples per stem position (length / fold / 16 must equal the frame count).", valueName: "N"))
    var audioFold: Int = 100

    @Flag(name: .customLong("motion-inputs"), inversion: .prefixedNo,
          help: "Give the streams change features: |frame difference| for video, |samples| for audio.")
    var motionInputs = true

    @Option(name: .customLong("max-step"), help: ArgumentHelp("Train only at diffusion steps below N, and guide only there (default: every step of the base models' schedule; with --resume, the checkpoint's, or N to widen it).", valueName: "N"))
    var maxStep: Int?

    @Option(name: .customLong("max-clips"), help: ArgumentHelp("Read at most N real and N fake pairs.", valueName: "N"))
    var maxClips: Int?

    @OptionGroup var runOptions: TrainingRunOptions

    mutating func validate() throws {
        if let lr, !(lr > 0 && lr.isFinite) { throw ValidationError("--lr must be positive") }
        do { try settings().validate() } catch { throw ValidationError("\(error)") }
        guard !real.isEmpty, !fake.isEmpty else { throw ValidationError("give at least one --real and one --fake tar") }
        guard (real + fake).filter({ $0 == "-" }).count <= 1 else { throw ValidationError("only one tar can come from stdin") }
        if let maxClips, maxClips < 1 { throw ValidationError("--max-clips must be at least 1") }
        if let maxStep, maxStep < 1 { throw ValidationError("--max-step must be at least 1") }
    }

    /// The training settings from the flags.
    func settings() -> DiscriminatorTrainingSettings {
        overriding(DiscriminatorTrainingSettings(seed: runOptions.seed, batchSize: batchSize, textDropout: runOptions.textDropout,
                                                 loss: .full, lambda: 1, mismatchedFraction: 0.5))
    }

    /// `base` with the loss, its weight and the negatives' mix of the flags that were given (a
    /// resumed run may change them: a curriculum).
    func overriding(_ base: DiscriminatorTrainingSettings) -> DiscriminatorTrainingSettings {
        var s = base
        if let loss { s.loss = loss }
        if let lambda { s.lambda = lambda }
        if let mismatched { s.mismatchedFraction = mismatched }
        return s
    }

    /// The network configuration from the flags and the base models' shapes.
    func networkConfig(audio: BaseUNet, video: BaseUNet) throws -> AVDiscriminatorConfig {
        let widths = channels.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard widths.count == 2 else { throw ValidationError("--channels needs two comma-separated widths, got '\(channels)'") }
        let config = AVDiscriminatorConfig(audioShape: audio.config.sampleShape, videoShape: video.config.sampleShape,
                                           videoPool: videoPool, audioFold: audioFold, motionInputs: motionInputs, channels: widths, blocksPerLevel: blocksPerLevel,
                                           fusionChannels: fusionChannels, fusionBlocks: fusionBlocks,
                                           textDim: audio.config.textDim, diffusionSteps: audio.config.diffusionSteps,
                                           maxStep: maxStep).adoptingAudioTransform(of: audio.config)
        do { try config.validate() } catch { throw ValidationError("\(error)") }
        return config
    }

    func run() throws {
        Interrupt.install()
        let trainer: AVDiscriminatorTrainer
        let realData: DiscriminatorData, fakeData: DiscriminatorData
        do {
            let (audio, video, dir) = try BaseModelPair.load(explicit: models)
            if let resume = runOptions.resume {
                let restored = try AVDiscriminatorCheckpoint.loadCheckpoint(from: URL(fileURLWithPath: resume))
                if let lr { restored.optimizer.lr = lr }
                if let maxStep { try restored.model.setMaxStep(maxStep) }
                trainer = try AVDiscriminatorTrainer(model: restored.model, optimizer: restored.optimizer,
                                                     settings: overriding(restored.settings), audioBase: audio, videoBase: video)
            } else {
                let model = try AVDiscriminatorNet(try networkConfig(audio: audio, video: video), seed: runOptions.seed)
                trainer = try AVDiscriminatorTrainer(model: model, optimizer: BaseModelAdam(model.parameters(), lr: lr ?? 1e-3),
                                                     settings: settings(), audioBase: audio, videoBase: video)
            }
            realData = try Self.read(real, config: trainer.model.config, limit: maxClips)
            fakeData = try Self.read(fake, config: trainer.model.config, limit: maxClips)
            guard realData.count > 0 else { throw TrainingError("\(real.joined(separator: ", ")): no samples") }
            guard fakeData.count > 0 || trainer.settings.mismatchedFraction == 1 || !trainer.settings.loss.usesDisc else {
                throw TrainingError("\(fake.joined(separator: ", ")): no samples")
            }
            if !runOptions.quiet {
                let s = trainer.settings
                log("train", "base models from \(dir.path); \(realData.count) real pairs (\(realData.groupNames.count) classes), "
                    + "\(fakeData.count) fake; \(trainer.model.parameterCount) parameters; loss \(s.loss.rawValue), lambda \(s.lambda), "
                    + "mismatched \(s.mismatchedFraction), batch \(s.batchSize), lr \(trainer.optimizer.lr), steps \(trainer.step) -> \(runOptions.steps)")
            }
        } catch let error as ValidationError {
            throw error
        } catch {
            log("train", "\(error)")
            throw ExitCode(ExitStatus.fatal)
        }
        do {
            try trainLoop(trainer, real: realData, fake: fakeData)
            try writeWeights(trainer)
        } catch OutputError.brokenPipe {
            exitQuietlyOnBrokenPipe()
        } catch {
            log("train", "\(error)")
            throw ExitCode(ExitStatus.fatal)
        }
        if let signal = Interrupt.received {
            log("train", "interrupted by signal \(signal) at step \(trainer.step); weights\(runOptions.checkpoint == nil ? "" : " and checkpoint") written")
            throw ExitCode(128 + signal)
        }
    }

    /// The pairs of every tar in `paths` ('-' is stdin), at most `limit` in all.
    static func read(_ paths: [String], config: AVDiscriminatorConfig, limit: Int?) throws -> DiscriminatorData {
        var data = DiscriminatorData(config: config)
        for path in paths {
            let source = path == "-" ? ByteSource(fileDescriptor: 0, name: "stdin") : try ByteSource(path: path)
            try data.read(source, name: path, limit: limit)
        }
        return data
    }

    /// Steps until `--steps` or an interrupt, logging and checkpointing as asked.
    private func trainLoop(_ trainer: AVDiscriminatorTrainer, real: DiscriminatorData, fake: DiscriminatorData) throws {
        var window: [DiscriminatorStepLosses] = []
        var windowStart = Date()
        let start = Date(), firstStep = trainer.step
        while trainer.step < runOptions.steps, Interrupt.received == nil {
            let losses = try trainer.trainStep(real: real, fake: fake)
            guard (losses.disc ?? 0).isFinite, (losses.dsm ?? 0).isFinite else {
                throw TrainingError("loss became non-finite at step \(trainer.step)")
            }
            window.append(losses)
            if !runOptions.quiet, trainer.step % runOptions.logEvery == 0 || trainer.step == runOptions.steps {
                let seconds = Date().timeIntervalSince(windowStart)
                let rate = Double(window.count) / max(seconds, 1e-9)
                func mean(_ xs: [Float]) -> String { xs.isEmpty ? "-" : String(format: "%.4f", xs.reduce(0, +) / Float(xs.count)) }
                log("train", String(format: "step %d/%d disc %@ dsm %@ acc %@  %.2f steps/s  %.1f ms/step  elapsed %.0f s  eta %.0f s",
                                    trainer.step, runOptions.steps, mean(window.compactMap(\.disc)), mean(window.compactMap(\.dsm)),
                                    mean(window.map(\.accuracy)), rate, 1000 / max(rate, 1e-9),
                                    Date().timeIntervalSince(start), Double(runOptions.steps - trainer.step) / max(rate, 1e-9)))
                window.removeAll()
                windowStart = Date()
            }
            if let checkpoint = runOptions.checkpoint, trainer.step % runOptions.checkpointEvery == 0 { try saveCheckpoint(trainer, checkpoint) }
        }
        if let checkpoint = runOptions.checkpoint, trainer.step != firstStep || !FileManager.default.fileExists(atPath: checkpoint) {
            try saveCheckpoint(trainer, checkpoint)
        }
    }

    private func saveCheckpoint(_ trainer: AVDiscriminatorTrainer, _ path: String) throws {
        try BaseTrainingLoop.atomicWrite(to: path) { try AVDiscriminatorCheckpoint.saveCheckpoint(trainer, to: $0) }
    }

    /// Writes the weights to -o FILE (temporary file renamed) or to stdout.
    private func writeWeights(_ trainer: AVDiscriminatorTrainer) throws {
        try WeightsOutput.write(to: runOptions.output) {
            try AVDiscriminatorCheckpoint.saveWeights(trainer.model, step: trainer.step, loss: trainer.settings.loss, to: $0)
        }
        if !runOptions.quiet, let output = runOptions.output { log("train", "weights after \(trainer.step) steps to \(output)") }
    }
}

extension DiscriminatorLoss: ExpressibleByArgument {}
