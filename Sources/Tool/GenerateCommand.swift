import ArgumentParser
import Foundation
import Guidance
import MediaIO
import Synth
#if canImport(Glibc)
import Glibc
#endif

/// `mmdisco-av generate`: text to a synchronised audio-video clip with MMDisCo joint guidance.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate audio and video jointly from text: two base models steered together by the discriminator (MMDisCo).",
        discussion: """
            The audio and the video base model each denoise their own modality (with their \
            own classifier-free guidance scale); at every step the discriminator's \
            input-gradient adds the joint term of the score, r = -sigma_t d logit_e / dx, \
            scaled by --joint-scale-audio/--joint-scale-video and guided like the base \
            prediction: eps = [u + w(c - u)] + js [r_u + w(r_c - r_u)]. --no-joint drops it and \
            starts every sample from the same noise, for a fair baseline.

            Output: one MP4 (H.264 + AAC; 16 frames at 10 fps and 1.6 s of 16 kHz audio per \
            sample, the samples one after another) on stdout, fragmented when stdout is a \
            pipe; or one DIR/KEY.mp4 per sample with --out-dir; or, with --format tar, the \
            tensors in the prep format (KEY.audio.npy float32 [1, 25600], KEY.video.npy uint8 \
            [16, 3, 64, 64], KEY.json). --size only upscales the MP4 for viewing.

            Models: --models DIR (audio.safetensors, video.safetensors, discriminator.safetensors), \
            else the built-in defaults in fixtures/models/ (found as for `sample`). A prompt with \
            no word the text encoder knows is generated unconditionally, with a warning.

            Examples:
              mmdisco-av generate --text "playing drums" > out.mp4
              mmdisco-av generate --text "playing drums" --no-joint > baseline.mp4
              mmdisco-av generate --text fireworks --count 8 --out-dir clips/
              mmdisco-av generate --text "bouncing ball" --count 64 --format tar -o guided.tar
            """)

    /// The container written.
    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case mp4, tar
    }

    @Option(help: ArgumentHelp("The prompt, e.g. \"playing drums\" (default: empty, unconditional).", valueName: "TEXT"))
    var text: String = ""

    @Option(help: ArgumentHelp("Number of samples.", valueName: "N"))
    var count: Int = 1

    @Option(help: ArgumentHelp("Index of the first sample (for sharding a run).", valueName: "INDEX"))
    var first: Int = 0

    @Option(help: ArgumentHelp("Seed; sample i starts from the noise of (seed, i).", valueName: "N"))
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Sampler steps: model evaluations per modality before guidance (NFE).", valueName: "N"))
    var steps: Int = 20

    @Option(help: ArgumentHelp("Sampler: dpm-solver++, ddim or ddpm.", valueName: "NAME"))
    var sampler: SamplerChoice = .dpmSolver

    @Option(name: .customLong("cfg-audio"), help: ArgumentHelp("Classifier-free guidance scale of the audio model (1 = none, the default: at 3 the default model's sounds came out 7 times too loud, with hiss).", valueName: "W"))
    var cfgAudio: Double = 1

    @Option(name: .customLong("cfg-video"), help: ArgumentHelp("Classifier-free guidance scale of the video model (1 = none).", valueName: "W"))
    var cfgVideo: Double = 3

    @Option(name: .customLong("joint-scale-audio"), help: ArgumentHelp("Weight js of the discriminator's residual on audio (1: the paper's setting for its in-domain models).", valueName: "JS"))
    var jointScaleAudio: Double = 1

    @Option(name: .customLong("joint-scale-video"), help: ArgumentHelp("Weight js of the discriminator's residual on video (1: the paper's setting for its in-domain models). The built-in models synchronise more at 4 (see the README).", valueName: "JS"))
    var jointScaleVideo: Double = 1

    @Flag(name: .customLong("no-joint"), help: "No joint guidance: the base models alone, from the same noise (the baseline).")
    var noJoint = false

    @Option(help: ArgumentHelp("Output: mp4 or tar.", valueName: "FORMAT"))
    var format: OutputFormat = .mp4

    @Option(help: ArgumentHelp("MP4 frame size for viewing (bicubic upscale; the tensors stay 64x64).", valueName: "SIZE"))
    var size: Int = 256

    @Option(help: ArgumentHelp("H.264 constant rate factor: 0 is lossless, 18 visually lossless, 51 worst.", valueName: "CRF"))
    var crf: Int = 18

    @Option(name: .customLong("out-dir"), help: ArgumentHelp("Write one DIR/KEY.mp4 per sample instead of one MP4.", valueName: "DIR"))
    var outDir: String?

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Write to FILE (atomically) instead of stdout.", valueName: "FILE"))
    var output: String?

    @Option(help: ArgumentHelp("Directory with audio.safetensors, video.safetensors and discriminator.safetensors (default: the built-in models).", valueName: "DIR"))
    var models: String?

    @Option(help: ArgumentHelp("The discriminator's weights (default: DIR/discriminator.safetensors of the models).", valueName: "FILE"))
    var discriminator: String?

    @Flag(name: [.short, .long], help: "Print only errors and warnings.")
    var quiet = false

    mutating func validate() throws {
        guard count >= 1 else { throw ValidationError("--count must be at least 1") }
        guard first >= 0 else { throw ValidationError("--first must not be negative") }
        guard steps >= 1, steps <= 1000 else { throw ValidationError("--steps must be in 1...1000") }
        guard [cfgAudio, cfgVideo, jointScaleAudio, jointScaleVideo].allSatisfy(\.isFinite) else {
            throw ValidationError("guidance and joint scales must be finite")
        }
        guard (16...4096).contains(size) else { throw ValidationError("--size must be in 16...4096, got \(size)") }
        guard (0...51).contains(crf) else { throw ValidationError("--crf must be in 0...51, got \(crf)") }
        do { _ = try sampler.sampler(steps: steps) } catch { throw ValidationError("--sampler \(sampler.rawValue) --steps \(steps): \(error)") }
        if outDir != nil && (output != nil || format == .tar) {
            throw ValidationError("--out-dir writes one MP4 per sample: drop --output and --format tar")
        }
        if outDir == nil && output == nil && isatty(1) == 1 {
            throw ValidationError("refusing to write \(format == .tar ? "a tar" : "an MP4") to a terminal: redirect stdout, or use -o FILE or --out-dir DIR")
        }
    }

    func run() throws {
        Interrupt.install()
        let generator: JointSampleGenerator
        do {
            generator = try makeGenerator()
        } catch {
            log("generate", "\(error)")
            throw ExitCode(ExitStatus.fatal)
        }
        if format == .tar {
            try writeTar(generator)
        } else {
            try writeMP4(generator)
        }
        if let signal = Interrupt.received {
            log("generate", "interrupted by signal \(signal)")
            throw ExitCode(128 + signal)
        }
    }

    /// Loads the models and builds the guided (or baseline) generator.
    private func makeGenerator() throws -> JointSampleGenerator {
        let (audio, video, dir) = try BaseModelPair.load(explicit: models)
        var disc: AVDiscriminatorNet?
        if !noJoint {
            let url = discriminator.map { URL(fileURLWithPath: $0) } ?? dir.appendingPathComponent(ModelLookup.discriminatorFile)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw SampleError("no discriminator at \(url.path): train one with `mmdisco-av train`, pass --discriminator FILE, or use --no-joint")
            }
            disc = try AVDiscriminatorCheckpoint.loadWeights(from: url).model
        }
        let (vector, known) = TextEncoder().encode(text)
        if known == 0, !text.trimmingCharacters(in: .whitespaces).isEmpty {
            log("generate", "warning: no word of '\(text)' is known to the text encoder; generating unconditionally")
        }
        if !quiet {
            log("generate", "models from \(dir.path); \(noJoint ? "no joint guidance" : "joint scales audio \(jointScaleAudio) video \(jointScaleVideo)"); "
                + "\(sampler.rawValue), \(steps) steps, cfg audio \(cfgAudio) video \(cfgVideo)")
        }
        return try JointSampleGenerator(audio: audio, video: video, discriminator: disc, cfg: [cfgAudio, cfgVideo],
                                        jointScales: [jointScaleAudio, jointScaleVideo], sampler: sampler, steps: steps,
                                        condition: known == 0 ? nil : vector)
    }

    /// Generates every sample in order, handing each to `body` as its tar entries; stops early on a signal.
    private func forEachSample(_ generator: JointSampleGenerator, _ body: (Int, [(name: String, data: [UInt8])]) throws -> Void) throws {
        let progress = TerminalProgress(label: "generate", total: count, unit: "samples")
        defer { progress.finish() }
        for k in 0..<count {
            if Interrupt.received != nil { return }
            let index = first + k
            let started = Date()
            let (audio, video) = try generator.generate(seed: seed, index: index)
            try body(index, try BaseSampleGenerator.entries(audio: audio, video: video, index: index, metadata: metadata(index: index)))
            progress.advance()
            if !quiet, isatty(2) == 0 {
                log("generate", String(format: "%d/%d in %.2f s", k + 1, count, Date().timeIntervalSince(started)))
            }
        }
    }

    private func writeTar(_ generator: JointSampleGenerator) throws {
        let out: TarOutput
        do {
            out = try TarOutput(path: output)
        } catch {
            log("generate", "\(error)")
            throw ExitCode(ExitStatus.fatal)
        }
        try out.write(command: "generate") { tar in
            try forEachSample(generator) { _, entries in try tar.appendAll(entries) }
        }
    }

    private func writeMP4(_ generator: JointSampleGenerator) throws {
        var options = MP4Options()
        options.crf = crf
        options.size = size
        var pending: [SampleTensors] = []
        do {
            try forEachSample(generator) { _, entries in
                let files = Dictionary(entries.map { ($0.name, $0.data) }, uniquingKeysWith: { a, _ in a })
                let key = entries[0].name.split(separator: ".")[0]
                let tensors = try SampleTensors(audioNpy: files["\(key).audio.npy"], videoNpy: files["\(key).video.npy"] ?? [],
                                                name: String(key))
                if let outDir {
                    try MP4Export.write([tensors], fps: 10, sampleRate: 16_000, options: options, to: "\(outDir)/\(key).mp4")
                } else {
                    pending.append(tensors)
                }
            }
            if Interrupt.received == nil, outDir == nil {
                try MP4Export.write(pending, fps: 10, sampleRate: 16_000, options: options, to: output)
            }
        } catch OutputError.brokenPipe, EncodeError.brokenPipe {
            exitQuietlyOnBrokenPipe()
        } catch {
            log("generate", "\(error)")
            throw ExitCode(ExitStatus.fatal)
        }
    }

    /// The JSON fields of sample `index` besides key and shapes.
    private func metadata(index: Int) -> [(String, String)] {
        [("caption", BaseSampleGenerator.quoted(text)), ("cfg_audio", String(cfgAudio)), ("cfg_video", String(cfgVideo)),
         ("index", String(index)), ("joint", noJoint ? "false" : "true"),
         ("joint_scale_audio", String(noJoint ? 0 : jointScaleAudio)), ("joint_scale_video", String(noJoint ? 0 : jointScaleVideo)),
         ("sampler", BaseSampleGenerator.quoted(sampler.rawValue)), ("seed", String(seed)), ("source", "\"generate\""),
         ("steps", String(steps))]
    }
}
