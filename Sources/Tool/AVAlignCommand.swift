import AVAlign
import ArgumentParser
import Foundation
import MediaIO

/// `mmdisco-av av-align`: score audio-video synchronisation, exactly as the reference does.
struct AVAlignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "av-align",
        abstract: "Score audio-video synchronisation (AV-Align: audio onsets against optical-flow peaks).",
        discussion: """
            Computes AV-Align (Yariv et al., 2024) exactly as the reference script does: Farneback \
            optical flow on every frame, librosa-style onsets on the audio mixed to mono at 22,050 Hz, \
            and the IoU of the two sets of peak times, matched one to one within one frame.

            Inputs: the files given; "-" is one media stream on stdin. Without files, stdin holds \
            either a list of paths (one per line) or a tar from prep, synth or generate, whose \
            samples are scored with the fps and sample rate of their json.

            stdout gets one JSON line per clip: file (or key), score (null with a reason when a \
            side has no events), audio_peaks and video_peaks in seconds, fps, frames, audio_rate. \
            Clips that cannot be read get a JSON line with an error and make the exit status 1.

            Examples:
              mmdisco-av av-align out.mp4
              ls clips/*.mp4 | mmdisco-av av-align --summary > scores.jsonl
              mmdisco-av synth --count 64 | mmdisco-av av-align --summary --plot synth.svg
            """)

    @Argument(help: ArgumentHelp("Media files to score; - reads one stream from stdin.", valueName: "FILE"))
    var files: [String] = []

    @Option(help: ArgumentHelp("Use this frame rate instead of the container's.", valueName: "FPS"))
    var fps: Double?

    @Option(help: ArgumentHelp("Take the audio from this file (as the reference's separate wav); one video only.", valueName: "FILE"))
    var audio: String?

    @Option(name: .customLong("onset-wait-ms"), help: ArgumentHelp("Minimum spacing of audio onsets in ms (reference: 30; the MMDisCo paper's variant: 96).", valueName: "MS"))
    var onsetWaitMs: Double = 30

    @Flag(name: .customLong("legacy-iou"), help: "Use the old many-to-one matching (a video peak may match several onsets).")
    var legacyIoU = false

    @Option(help: ArgumentHelp("Clips scored in parallel (default: the number of cores).", valueName: "N"))
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Print the mean score and the numbers of clips scored and failed to stderr.")
    var summary = false

    @Option(help: ArgumentHelp("Draw the onset envelope, flow trajectory, peaks and matches of each clip as SVG.", valueName: "FILE.svg"))
    var plot: String?

    @Option(help: ArgumentHelp("Give up on a clip whose decoding takes longer than this.", valueName: "SECONDS"))
    var timeout: Double = 600

    mutating func validate() throws {
        if let fps, !(fps > 0 && fps <= 1000) { throw ValidationError("--fps must be in (0, 1000], got \(fps)") }
        guard onsetWaitMs >= 0 else { throw ValidationError("--onset-wait-ms must not be negative") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
        if audio != nil && files.count != 1 { throw ValidationError("--audio needs exactly one video file") }
        if files.filter({ $0 == "-" }).count > 1 { throw ValidationError("stdin (-) can be read only once") }
    }

    var config: AVAlignConfig {
        AVAlignConfig(onsetWaitSeconds: onsetWaitMs / 1000, legacyManyToOne: legacyIoU, fpsOverride: fps)
    }

    func run() throws {
        Interrupt.install()
        var limits = DecodeLimits()
        limits.timeout = timeout
        let scorer = AVAlignScorer(config: config, limits: limits, audioPath: audio)
        let session = AVAlignSession(jobs: jobs, plotPath: plot)
        do {
            if !files.isEmpty {
                try session.score(files.map(AVAlignInput.file), with: scorer)
            } else {
                let stdin = ByteSource(fileDescriptor: 0, name: "stdin")
                if TarReader.looksLikeTar(try stdin.peek(512)) {
                    let reader = WebDatasetReader(tar: TarReader(source: stdin))
                    var batch: [AVAlignInput] = []
                    while let sample = try reader.next() {
                        batch.append(.sample(sample))
                        if batch.count == 64 { try session.score(batch, with: scorer); batch.removeAll() }
                        if Interrupt.received != nil { break }
                    }
                    try session.score(batch, with: scorer)
                } else {
                    let entries = try ClipListReader.read(stdin, interrupted: { Interrupt.received })
                    try session.score(entries.map { .listed($0.path) }, with: scorer)
                }
            }
            try session.finishPlot()
        } catch OutputError.brokenPipe {
            exitQuietlyOnBrokenPipe()
        } catch let error as TarError {
            log("av-align", "stdin: \(error)")
            session.failed += 1
        } catch let error as ClipListReader.Failure {
            log("av-align", "\(error)")
            if case let .interrupted(signal) = error { throw ExitCode(128 + signal) }
            throw ExitCode(ExitStatus.fatal)
        }
        if summary { log("av-align", session.summaryLine) }
        if let signal = Interrupt.received { throw ExitCode(128 + signal) }
        if session.failed > 0 { throw ExitCode(ExitStatus.partial) }
    }
}
