import ArgumentParser
import Foundation
import Guidance
import MediaIO
import Synth
#if canImport(Glibc)
import Glibc
#endif

/// `mmdisco-av sample`: independent audio and video generation from the two base models.
struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Generate (audio, video) pairs from the two base models independently, with no joint guidance, as a prep-format tar.",
        discussion: """
            The audio and video models each run the sampler with their own classifier-free \
            guidance scale and never see each other: these are \
            the "fake" pairs of MMDisCo's Algorithm 1. Each sample i is KEY.audio.npy (float32 \
            [1, 25600], 16 kHz), KEY.json and KEY.video.npy (uint8 [16, 3, 64, 64], 10 fps) \
            with KEY = %06d_gen of i, and depends only on --seed, i and the settings, so \
            --first/--count shard a run. A prompt with no word the text encoder knows is \
            generated unconditionally (with a warning); no --text means unconditional.

            Models: --models DIR holds audio.safetensors and video.safetensors. Without it, \
            the first fixtures/models/ found in the executable's directory or an ancestor of \
            it (so .build/release/mmdisco-av finds the package's), else in the package the \
            binary was built from.

            Samplers (--steps counts model evaluations per modality; guidance doubles them): \
            dpm-solver++ (default; singlestep order 3, logSNR steps, dynamic thresholding \
            for models whose data lie in [-1, 1]: both default models, not a linear ×8 audio model; 20 steps is the \
            spec's in-domain sampler), ddim (eta 0), ddpm (ancestral; fewer \
            than 1000 steps are respaced, i.e. DDIM with eta 1).

            Examples:
              mmdisco-av sample --text "playing drums" --count 8 -o drums.tar
              mmdisco-av sample --text fireworks --sampler ddim --steps 50 --cfg-video 4 > f.tar
            """)

    @Option(help: ArgumentHelp("The prompt (default: empty, unconditional).", valueName: "TEXT"))
    var text: String = ""

    @Option(help: ArgumentHelp("Number of pairs to generate.", valueName: "N"))
    var count: Int = 1

    @Option(help: ArgumentHelp("Index of the first sample (for sharding).", valueName: "INDEX"))
    var first: Int = 0

    @Option(help: ArgumentHelp("Seed; sample i draws its noise from (seed, i).", valueName: "N"))
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Model evaluations per modality (before guidance).", valueName: "N"))
    var steps: Int = 20

    @Option(help: ArgumentHelp("Sampler: dpm-solver++, ddim or ddpm.", valueName: "NAME"))
    var sampler: SamplerChoice = .dpmSolver

    @Option(name: .customLong("cfg-audio"), help: ArgumentHelp("Classifier-free guidance scale of the audio model (1 = no guidance, the default: at 3 the default model's sounds came out 7 times too loud, with hiss).", valueName: "W"))
    var cfgAudio: Double = 1

    @Option(name: .customLong("cfg-video"), help: ArgumentHelp("Classifier-free guidance scale of the video model (1 = no guidance).", valueName: "W"))
    var cfgVideo: Double = 3

    @Option(help: ArgumentHelp("Directory with audio.safetensors and video.safetensors (default: see DISCUSSION).", valueName: "DIR"))
    var models: String?

    @Option(name: [.short, .customLong("output")],
            help: ArgumentHelp("Write the tar to FILE (atomically) instead of stdout.", valueName: "FILE"))
    var output: String?

    @Flag(name: [.short, .long], help: "Print only errors and warnings.")
    var quiet = false

    mutating func validate() throws {
        guard count >= 0 else { throw ValidationError("--count must not be negative") }
        guard first >= 0 else { throw ValidationError("--first must not be negative") }
        guard steps >= 1, steps <= 1000 else { throw ValidationError("--steps must be in 1...1000") }
        guard cfgAudio.isFinite, cfgVideo.isFinite else { throw ValidationError("guidance scales must be finite") }
        do { _ = try sampler.sampler(steps: steps) } catch { throw ValidationError("--sampler \(sampler.rawValue) --steps \(steps): \(error)") }
        if output == nil && isatty(1) == 1 {
            throw ValidationError("refusing to write a tar to a terminal: redirect stdout or use -o FILE")
        }
    }

    func run() throws {
        Interrupt.install()
        let generator: BaseSampleGenerator
        do {
            let dir = try ModelLookup.directory(explicit: models)
            let audio = try BaseModelCheckpoint.loadWeights(from: dir.appendingPathComponent(ModelLookup.audioFile)).model
            let video = try BaseModelCheckpoint.loadWeights(from: dir.appendingPathComponent(ModelLookup.videoFile)).model
            guard audio.config.modality == .audio, video.config.modality == .video else {
                throw SampleError("\(dir.path): audio.safetensors and video.safetensors hold the wrong modalities")
            }
            let (vector, known) = TextEncoder().encode(text)
            let condition: [Float]?
            if known == 0 {
                if !text.trimmingCharacters(in: .whitespaces).isEmpty {
                    log("sample", "warning: no word of '\(text)' is known to the text encoder; generating unconditionally")
                }
                condition = nil
            } else {
                condition = vector
            }
            generator = try BaseSampleGenerator(audio: audio, video: video, cfgAudio: cfgAudio, cfgVideo: cfgVideo,
                                                samplers: [sampler.sampler(steps: steps, thresholded: audio.config.isBounded),
                                                           sampler.sampler(steps: steps, thresholded: video.config.isBounded)],
                                                condition: condition)
            if !quiet { log("sample", "models from \(dir.path); \(sampler.rawValue), \(steps) steps, cfg audio \(cfgAudio) video \(cfgVideo)") }
        } catch {
            log("sample", "\(error)")
            throw ExitCode(ExitStatus.fatal)
        }
        let out: TarOutput
        do {
            out = try TarOutput(path: output)
        } catch {
            log("sample", "\(error)")
            throw ExitCode(ExitStatus.fatal)
        }
        var written = 0
        try out.write(command: "sample") { tar in
            while written < count, Interrupt.received == nil {
                let index = first + written
                let started = Date()
                let (audio, video) = try generator.generate(seed: seed, index: index)
                try tar.appendAll(try BaseSampleGenerator.entries(audio: audio, video: video, index: index,
                                                                  metadata: metadata(index: index)))
                written += 1
                if !quiet { log("sample", String(format: "%d/%d in %.2f s", written, count, Date().timeIntervalSince(started))) }
            }
        }
        if let signal = Interrupt.received, written < count {
            log("sample", "interrupted by signal \(signal) after \(written) of \(count) samples; archive ends cleanly")
            throw ExitCode(128 + signal)
        }
    }

    /// The JSON fields of sample `index` besides key and shapes.
    private func metadata(index: Int) -> [(String, String)] {
        [("caption", BaseSampleGenerator.quoted(text)), ("cfg_audio", String(cfgAudio)), ("cfg_video", String(cfgVideo)),
         ("index", String(index)), ("sampler", BaseSampleGenerator.quoted(sampler.rawValue)), ("seed", String(seed)),
         ("source", "\"sample\""), ("steps", String(steps))]
    }
}
