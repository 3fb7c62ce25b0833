import ArgumentParser
import Foundation
import MediaIO
#if canImport(Glibc)
import Glibc
#endif

/// `mmdisco-av prep`: decode a list of clips into WebDataset tar shards of `.npy` tensors.
struct Prep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode a list of clips into a WebDataset tar of .npy audio and video tensors.",
        discussion: """
            Reads one clip per line from stdin (or --list): a path, optionally a TAB and a caption. \
            Blank lines and lines starting with # are skipped. For each window it writes \
            KEY.audio.npy (float32 [1, N]), KEY.json and KEY.video.npy (uint8 [F, 3, S, S]; the \
            model input is x/127.5 - 1) to a tar on stdout. KEY is the line's index among usable \
            lines and the window number, e.g. 000042_w003, the same with or without --shard.

            Examples:
              mmdisco-av prep < clips.list > shard.tar
              mmdisco-av prep --preset latent256 --windows all --list clips.list -o train.tar
              mmdisco-av prep --shard 3/8 < clips.list > shard-3.tar
              mmdisco-av prep --preset latent --video-vae sd-vae/ --audio-vae audioldm-vae/ < clips.list > latents.tar

            With --preset latent, each window also gets KEY.video_latent.npy (float32 [4, 16, 32, 32] \
            for the SD VAE) and KEY.audio_latent.npy (float32 [8, 50, 16] for AudioLDM's VAE on its \
            64-band log-mel), times the VAE's scaling_factor. A VAE DIR holds config.json and \
            diffusion_pytorch_model.safetensors, as diffusers saves them.
            """)

    @Option(name: .long, help: ArgumentHelp("Read the clip list from FILE instead of stdin.", valueName: "FILE"))
    var list: String?

    @Option(name: [.short, .customLong("output")],
            help: ArgumentHelp("Write the tar to FILE (atomically: a temporary file renamed at the end).", valueName: "FILE"))
    var output: String?

    @Option(help: "Tensor format: mmdiffusion (1.6 s, 16 kHz, 16 frames at 10 fps, 64x64 padded), latent256 (2.0 s, 16 kHz, 16 frames at 8 fps, 256x256 cropped), or latent (latent256 plus VAE latents; needs --video-vae and/or --audio-vae).")
    var preset: PrepPreset = .mmdiffusion

    @Option(name: .customLong("sample-rate"), help: ArgumentHelp("Audio sample rate in Hz (preset: 16000).", valueName: "HZ"))
    var sampleRate: Int?

    @Option(name: .customLong("audio-samples"), help: ArgumentHelp("Audio samples per window; shorter audio is zero-padded, longer cut (preset: 25600 or 32000).", valueName: "N"))
    var audioSamples: Int?

    @Option(help: "Mono from the first channel or the mean of all channels (preset: first).")
    var channel: ChannelMode?

    @Option(help: ArgumentHelp("Video frames per window (preset: 16).", valueName: "N"))
    var frames: Int?

    @Option(help: ArgumentHelp("Video frame rate: frame k is the frame on screen at start + k/fps (preset: 10 or 8).", valueName: "FPS"))
    var fps: Double?

    @Option(help: ArgumentHelp("Output frames are SIZE x SIZE (preset: 64 or 256).", valueName: "SIZE"))
    var size: Int?

    @Option(help: "Fit the aspect-preserving resize into the square by centre padding or centre cropping (preset: pad or crop).")
    var fit: FrameFit?

    @Option(help: "Cut only the first window of each clip, or consecutive windows through the whole clip.")
    var windows: WindowMode = .first

    @Option(help: ArgumentHelp("Start of the first window, in seconds from the clip's start.", valueName: "SECONDS"))
    var start: Double = 0

    @Option(name: .customLong("pad-video"), help: "When the video ends inside a window: none skips the clip (or drops the partial last window), last repeats the last frame.")
    var padVideo: VideoPadPolicy = .none

    @Option(name: .customLong("missing-audio"), help: "A clip without an audio stream is skipped, or written with silence.")
    var missingAudio: MissingAudioPolicy = .skip

    @Option(name: .customLong("video-vae"), help: ArgumentHelp("With --preset latent: encode the frames with the AutoencoderKL in DIR (config.json + diffusion_pytorch_model.safetensors, e.g. the SD 1.5 VAE) into KEY.video_latent.npy.", valueName: "DIR"))
    var videoVAE: String?

    @Option(name: .customLong("audio-vae"), help: ArgumentHelp("With --preset latent: encode AudioLDM's 64-band log-mel of the audio with the AutoencoderKL in DIR into KEY.audio_latent.npy.", valueName: "DIR"))
    var audioVAE: String?

    @Flag(name: .customLong("latents-only"), help: "With --preset latent: write the latents instead of (not beside) KEY.video.npy and KEY.audio.npy.")
    var latentsOnly = false

    @Flag(help: "With --preset latent: draw each latent from the VAE posterior (mean + std x noise) instead of taking its mean.")
    var sample = false

    @Option(help: ArgumentHelp("With --sample: seed of the posterior draws; a window's draw depends only on the seed, its line index and window number.", valueName: "N"))
    var seed: UInt64 = 0

    @Option(name: .customLong("vae-batch"), help: ArgumentHelp("With --preset latent: video frames per VAE encoder call (default 2).", valueName: "N"))
    var vaeBatch: Int = 2

    @Option(help: ArgumentHelp("Clips decoded in parallel (default: the number of cores). Output order is always input order.", valueName: "N"))
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: ArgumentHelp("Keep only the list lines whose index mod N is K; keys stay those of the whole list.", valueName: "K/N"))
    var shard: String?

    @Option(help: ArgumentHelp("Write one JSON line per list line (written, skipped or failed, and why) to FILE.", valueName: "FILE"))
    var report: String?

    @Option(help: ArgumentHelp("Give up on a clip whose decoding takes longer than this.", valueName: "SECONDS"))
    var timeout: Double = 300

    @Option(name: .customLong("max-pixels"), help: ArgumentHelp("Refuse video frames with more pixels than this.", valueName: "N"))
    var maxPixels: Int = 40_000_000

    @Option(name: .customLong("max-duration"), help: ArgumentHelp("Refuse clips longer than this.", valueName: "SECONDS"))
    var maxDuration: Double = 6 * 3600

    @Flag(name: [.short, .long], help: "Print only errors and the final summary's failures.")
    var quiet = false

    mutating func validate() throws {
        if let shard, ShardSpec(shard) == nil { throw ValidationError("--shard must be K/N with 0 <= K < N, got '\(shard)'") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        for (name, value) in [("--sample-rate", sampleRate), ("--audio-samples", audioSamples), ("--frames", frames), ("--size", size)] {
            if let value, value <= 0 { throw ValidationError("\(name) must be positive, got \(value)") }
        }
        if let fps, !(fps > 0 && fps <= 1000) { throw ValidationError("--fps must be in (0, 1000], got \(fps)") }
        if let size, size > 4096 { throw ValidationError("--size must be at most 4096, got \(size)") }
        guard start >= 0 else { throw ValidationError("--start must not be negative") }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
        if preset == .latent {
            guard videoVAE != nil || audioVAE != nil else {
                throw ValidationError("--preset latent needs --video-vae DIR and/or --audio-vae DIR")
            }
        } else {
            for (flag, used) in [("--video-vae", videoVAE != nil), ("--audio-vae", audioVAE != nil), ("--latents-only", latentsOnly),
                                 ("--sample", sample)] where used {
                throw ValidationError("\(flag) needs --preset latent")
            }
        }
        guard vaeBatch >= 1 else { throw ValidationError("--vae-batch must be at least 1") }
        if output == nil && isatty(1) == 1 {
            throw ValidationError("refusing to write a tar to a terminal: redirect stdout or use -o FILE")
        }
    }

    /// The preset with every flag applied.
    func resolvedSettings() -> PrepSettings {
        var s = preset.settings
        if let sampleRate {
            s.sampleRate = sampleRate
            if audioSamples == nil { s.audioSamples = Int((s.windowSeconds * Double(sampleRate)).rounded()) }
        }
        if let audioSamples { s.audioSamples = audioSamples }
        if let channel { s.channel = channel }
        if let frames { s.frames = frames }
        if let fps { s.fps = fps }
        if let size { s.size = size }
        if let fit { s.fit = fit }
        s.windows = windows
        s.start = start
        s.padVideo = padVideo
        s.missingAudio = missingAudio
        s.limits.maxPixels = maxPixels
        s.limits.maxDuration = maxDuration
        s.limits.timeout = timeout
        return s
    }

    func run() throws {
        Interrupt.install()
        let settings = resolvedSettings()
        let entries: [ClipListEntry]
        do {
            entries = try readList()
        } catch {
            log("prep", "\(error)")
            if case let ClipListReader.Failure.interrupted(signal) = error { throw ExitCode(128 + signal) }
            throw ExitCode(ExitStatus.fatal)
        }
        let selected = shard.flatMap(ShardSpec.init).map { spec in entries.filter(spec.contains) } ?? entries
        var latents: LatentEncoders?
        if preset == .latent {
            do {
                latents = try LatentEncoders(videoDir: videoVAE, audioDir: audioVAE, settings: settings, sample: sample,
                                             seed: seed, latentsOnly: latentsOnly, frameBatch: vaeBatch)
            } catch {
                log("prep", "\(error)")
                throw ExitCode(ExitStatus.fatal)
            }
        }
        let job = try PrepJob(settings: settings, entries: selected, output: output, reportPath: report,
                              jobs: jobs, quiet: quiet, latents: latents)
        let status = job.run()
        if status != ExitStatus.success { throw ExitCode(status) }
    }

    private func readList() throws -> [ClipListEntry] {
        let source: ByteSource
        do {
            source = try list.map { try ByteSource(path: $0) } ?? ByteSource(fileDescriptor: 0, name: "stdin")
        }
        return try ClipListReader.read(source, interrupted: { Interrupt.received })
    }
}
