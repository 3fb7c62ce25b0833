import ArgumentParser
import MediaIO
#if canImport(Glibc)
import Glibc
#endif

/// The `mmdisco-av` command: a root that lists the subcommands.
@main
struct MMDiscoAV: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mmdisco-av",
        abstract: "Prepare, score and generate joint audio-video data (MMDisCo).",
        discussion: """
            Each subcommand reads stdin and writes stdout by default, so they chain in \
            shell pipelines. Logs and progress go to stderr.
            """,
        version: "0.1.0",
        subcommands: [Prep.self, Encode.self, AVAlignCommand.self, Synth.self, TrainBase.self, Sample.self, Train.self, Generate.self, Toy.self])

    /// Ignores SIGPIPE so a closed pipe surfaces as EPIPE, which the writers turn into a quiet exit.
    static func main() {
        signal(SIGPIPE, SIG_IGN)
        let level = getenv("MMDISCO_FFMPEG_LOG").map { String(cString: $0) } ?? "quiet"
        FFmpegLog.setLevel(["error": .error, "warning": .warning, "info": .info][level] ?? .quiet)
        main(nil)
    }
}
