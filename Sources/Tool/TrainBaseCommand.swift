import ArgumentParser
import Foundation
import Guidance
import MediaIO
#if canImport(Glibc)
import Glibc
#endif

/// The learning-rate schedule of `train-base`.
enum LearningRateKind: String, ExpressibleByArgument, CaseIterable {
    case constant, cosine
}

/// `mmdisco-av train-base`: train one modality's text-conditional base diffusion model.
struct TrainBase: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-base",
        abstract: "Train a text-conditional epsilon-prediction diffusion model on one modality of a prep-format tar.",
        discussion: """
            Reads KEY.json (its caption) and the chosen modality's KEY.audio.npy or \
            KEY.video.npy of every sample; the other modality is never decoded. Linear beta \
            schedule 1e-4 to 0.02 over 1000 steps; the caption goes through the built-in text \
            encoder and a learned projection added to the time embedding, and is replaced by \
            the empty prompt with probability --text-dropout (for classifier-free guidance). \
            Loss and throughput go to stderr every --log-every steps. The weights (safetensors, \
            PyTorch state_dict names, the network configuration in the metadata) go to -o FILE \
            or stdout; they are the exponential moving average of the parameters (--ema-decay). \
            --checkpoint also keeps the Adam state, the average and the step, which --resume continues.

            Examples:
              mmdisco-av synth --count 2000 --seed 1 | mmdisco-av train-base --modality audio -o audio.safetensors
              mmdisco-av train-base --modality video data.tar --steps 5000 --checkpoint v.ckpt -o video.safetensors
              mmdisco-av train-base --modality video data.tar --resume v.ckpt --steps 8000 --checkpoint v.ckpt -o video.safetensors
            """)

    @Option(help: ArgumentHelp("The modality to learn: audio or video.", valueName: "MODALITY"))
    var modality: BaseModality

    @Argument(help: ArgumentHelp("The training tar (prep or synth format); stdin when absent or '-'.", valueName: "TAR"))
    var input: String?

    @Option(name: .customLong("batch-size"), help: ArgumentHelp("Examples per step.", valueName: "N"))
    var batchSize: Int = 8

    @Option(help: ArgumentHelp("Adam learning rate (default 5e-4, or the checkpoint's with --resume).", valueName: "RATE"))
    var lr: Float?

    @Option(name: .customLong("ema-decay"), help: ArgumentHelp("Decay of the parameters' exponential moving average that the weights file holds (0 = no average, the last weights).", valueName: "D"))
    var emaDecay: Float = 0.999

    @Option(name: .customLong("lr-schedule"), help: ArgumentHelp("constant, or cosine: a half-cosine from --lr down to 5% of it at --steps (default cosine).", valueName: "KIND"))
    var lrSchedule: LearningRateKind = .cosine

    @Option(help: ArgumentHelp("Steps of linear learning-rate warm-up.", valueName: "N"))
    var warmup: Int = 200



    @Option(help: ArgumentHelp("Channel widths of the three U-Net levels (default audio 96,192,192; video 64,128,128).", valueName: "LIST"))
    var channels: String?

    @Option(help: ArgumentHelp("Space-to-depth fold of the stem (default audio: the spectrogram hop, one frame per position, or 32 samples for the waveform; video 4 pixels per side).", valueName: "N"))
    var fold: Int?

    @Flag(name: .customLong("temporal-context"), inversion: .prefixedNo,
          help: "Video: give every block the clip's frame-averaged features (default on for video).")
    var temporalContext: Bool?

    @Option(name: .customLong("motion-std"), help: ArgumentHelp("Video: the deviation of the frames from their per-pixel temporal mean, preconditioned apart from that mean (default 0.085, measured on synth clips; 0 = one preconditioning for all).", valueName: "D"))
    var motionStd: Float?

    @Option(name: .customLong("mu-law"), help: ArgumentHelp("Waveform audio (--spectrogram-hop 0): μ of the μ-law companding the model works in (default 255; 0 = linear).", valueName: "M"))
    var muLaw: Float?

    @Option(name: .customLong("data-std"), help: ArgumentHelp("The standard deviation of the data as the model sees it, for the preconditioning (default audio 0.19 for the spectrogram, 0.2 for the μ-255 waveform; video 0.5; 0 = none).", valueName: "D"))
    var dataStd: Float?

    @Flag(name: .customLong("spectral"), inversion: .prefixedNo,
          help: "Waveform audio (--spectrogram-hop 0): precondition each band of the stem's block DCT (--fold samples; 32: 250 Hz bands) with its own deviation, measured on the training clips (default off).")
    var spectral: Bool?

    @Option(name: .customLong("spectrogram-hop"), help: ArgumentHelp("Audio: the model learns the compressed STFT magnitudes, frames N samples apart with N bins (default 100: 6.25 ms frames, 80 Hz bins; the fold becomes N), turned back into sound by Griffin-Lim. 0: the waveform itself, μ-law 255, fold 32, data deviation 0.2 (the earlier default).", valueName: "N"))
    var spectrogramHop: Int?

    @Option(name: .customLong("max-clips"), help: ArgumentHelp("Read at most N samples of the tar.", valueName: "N"))
    var maxClips: Int?

    @OptionGroup var runOptions: TrainingRunOptions

    mutating func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        if let lr, !(lr > 0 && lr.isFinite) { throw ValidationError("--lr must be positive") }
        guard emaDecay >= 0, emaDecay < 1 else { throw ValidationError("--ema-decay must be in [0, 1)") }
        guard warmup >= 0 else { throw ValidationError("--warmup must not be negative") }
        if let maxClips, maxClips < 1 { throw ValidationError("--max-clips must be at least 1") }
        _ = try modelConfig()
    }

    /// The network configuration from the modality's default and the shape and scaling flags.
    func modelConfig() throws -> BaseModelConfig {
        var config = spectrogramHop == 0 ? BaseModelConfig.waveformAudio : BaseModelConfig.standard(modality)
        if let channels {
            let widths = channels.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard widths.count == 3 else { throw ValidationError("--channels needs three comma-separated widths, got '\(channels)'") }
            config.channels = widths
        }
        if let fold { config.fold = fold }
        if let temporalContext { config.temporalContext = temporalContext }
        if let motionStd {
            guard modality == .video else { throw ValidationError("--motion-std is for video models") }
            config.motionStd = motionStd
        }
        if let muLaw {
            guard modality == .audio else { throw ValidationError("--mu-law is for audio models") }
            config.muLaw = muLaw
        }
        if let spectrogramHop {
            guard modality == .audio else { throw ValidationError("--spectrogram-hop is for audio models") }
            guard spectrogramHop >= 0 else { throw ValidationError("--spectrogram-hop must not be negative") }
            if spectrogramHop > 0 {
                config.spectrogramHop = spectrogramHop
                config.fold = fold ?? spectrogramHop
            }
        }
        if let dataStd { config.dataStd = dataStd }
        if spectral == true, config.spectrogramHop > 0 {
            throw ValidationError("--spectral is for waveform audio models (--spectrogram-hop 0)")
        }
        if spectral != nil, modality != .audio { throw ValidationError("--spectral is for audio models") }
        do { try config.validate() } catch { throw ValidationError("\(error)") }
        return config
    }

    func run() throws {
        Interrupt.install()
        var resumed: BaseModelTrainer?
        let data: BaseModelData
        do {
            if let resume = runOptions.resume {
                let trainer = try BaseModelCheckpoint.loadCheckpoint(from: URL(fileURLWithPath: resume))
                guard trainer.model.config.modality == modality else {
                    throw ValidationError("--resume: \(resume) is a \(trainer.model.config.modality.rawValue) checkpoint, not \(modality.rawValue)")
                }
                resumed = trainer
            }
            let source = try input.map { $0 == "-" ? ByteSource(fileDescriptor: 0, name: "stdin") : try ByteSource(path: $0) }
                ?? ByteSource(fileDescriptor: 0, name: "stdin")
            data = try BaseModelData(source: source, config: resumed?.model.config ?? modelConfig(), limit: maxClips)
        } catch let error as ValidationError {
            throw error
        } catch {
            log("train-base", "\(error)")
            throw ExitCode(ExitStatus.fatal)
        }
        guard data.count > 0 else {
            log("train-base", "the input holds no samples")
            throw ExitCode(ExitStatus.fatal)
        }
        let trainer: BaseModelTrainer
        do {
            if let resumed {
                trainer = resumed
                if let lr {
                    trainer.optimizer.lr = lr
                    trainer.schedule?.peak = lr
                }
                trainer.schedule?.totalSteps = runOptions.steps
            } else {
                let peak = lr ?? 5e-4
                let schedule = lrSchedule == .cosine ? LearningRateSchedule(peak: peak, warmup: warmup, totalSteps: runOptions.steps)
                    : LearningRateSchedule(peak: peak, warmup: warmup)
                var config = try modelConfig()
                if modality == .audio, spectral ?? false, config.dataStd > 0 {
                    config.bandStd = data.bandDeviations(config: config)
                }
                trainer = try BaseModelTrainer(config: config, seed: runOptions.seed, lr: peak, batchSize: batchSize,
                                               textDropout: runOptions.textDropout, emaDecay: emaDecay, schedule: schedule)
            }
        } catch let error as ValidationError {
            throw error
        } catch {
            log("train-base", "\(error)")
            throw ExitCode(ExitStatus.fatal)
        }
        if !runOptions.quiet {
            log("train-base", "\(modality.rawValue): \(data.count) clips, \(data.text.captions.count) distinct captions; "
                + "\(trainer.model.parameterCount) parameters, channels \(trainer.model.config.channels), "
                + "batch \(trainer.batchSize), lr \(trainer.schedule?.peak ?? trainer.optimizer.lr)"
                + (trainer.schedule.map { $0.totalSteps > 0 ? " cosine to step \($0.totalSteps), warm-up \($0.warmup)" : " warm-up \($0.warmup)" } ?? "")
                + (trainer.average.map { ", EMA \($0.decay)" } ?? "") + ", steps \(trainer.step) -> \(runOptions.steps)")
        }
        do {
            try BaseTrainingLoop(trainer: trainer, data: data, quiet: runOptions.quiet, logEvery: runOptions.logEvery,
                                 checkpoint: runOptions.checkpoint, checkpointEvery: runOptions.checkpointEvery).run(until: runOptions.steps)
            try writeWeights(trainer)
        } catch OutputError.brokenPipe {
            exitQuietlyOnBrokenPipe()
        } catch {
            log("train-base", "\(error)")
            throw ExitCode(ExitStatus.fatal)
        }
        if let signal = Interrupt.received {
            log("train-base", "interrupted by signal \(signal) at step \(trainer.step); weights\(runOptions.checkpoint == nil ? "" : " and checkpoint") written")
            throw ExitCode(128 + signal)
        }
    }

    /// Writes the weights to -o FILE (temporary file renamed) or to stdout.
    private func writeWeights(_ trainer: BaseModelTrainer) throws {
        var extra = ["seed": String(trainer.seed), "batch_size": String(trainer.batchSize),
                     "lr": String(trainer.schedule?.peak ?? trainer.optimizer.lr)]
        if let average = trainer.average { extra["ema_decay"] = String(average.decay) }
        let model = try trainer.averagedModel()
        try WeightsOutput.write(to: runOptions.output) { try BaseModelCheckpoint.saveWeights(model, step: trainer.step, to: $0, extra: extra) }
        if !runOptions.quiet, let output = runOptions.output { log("train-base", "weights after \(trainer.step) steps to \(output)") }
    }
}
