import ArgumentParser
import Dispatch
import Foundation
import MediaIO
import Synchronization
import Synth
#if canImport(Glibc)
import Glibc
#endif

/// `mmdisco-av synth`: write a procedural audio-visual dataset in the prep tar format.
struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Generate a procedural audio-visual dataset with real sound-picture synchrony, as a prep-format tar.",
        discussion: """
            Each clip shows 1 to 5 impacts (fewer more often) that are both seen (a sudden \
            strike of a solid shape on frames 2..F-2, then a shrinking recovery) and heard (a \
            tapered class-typical sound over digital silence). For each clip it writes \
            KEY.audio.npy (float32 [1, N], 16 kHz), KEY.json and KEY.video.npy (uint8 \
            [F, 3, 64, 64], 10 fps; the model input is x/127.5 - 1) with KEY = %06d_w000 of \
            the clip index. Clip i depends only on the seed and i, so --first/--count shard a \
            dataset: the shards of one seed concatenate to the same clips as one run.

            Classes (name or index): \(SynthClass.allCases.map { "\($0.index) \($0.rawValue)" }.joined(separator: ", ")).

            Examples:
              mmdisco-av synth --count 1000 --seed 1 -o synth.tar
              mmdisco-av synth --classes "playing drums,fireworks" --count 200 > two.tar
              mmdisco-av synth --seconds 2.0 --first 5000 --count 5000 -o shard-1.tar
            """)

    @Option(help: ArgumentHelp("Number of clips to write.", valueName: "N"))
    var count: Int = 1000

    @Option(help: ArgumentHelp("Comma-separated class names or indices (default: all 8). Clips go round-robin over them.", valueName: "LIST"))
    var classes: String?

    @Option(help: ArgumentHelp("Clip length: frames = round(seconds*10), samples = round(seconds*16000).", valueName: "SECONDS"))
    var seconds: Double = 1.6

    @Option(help: ArgumentHelp("Seed of the whole dataset; the same seed gives the same bytes.", valueName: "N"))
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Index of the first clip (for sharding); keys are clip indices.", valueName: "INDEX"))
    var first: Int = 0

    @Option(name: [.short, .customLong("output")],
            help: ArgumentHelp("Write the tar to FILE (atomically: a temporary file renamed at the end).", valueName: "FILE"))
    var output: String?

    @Option(help: ArgumentHelp("Clips generated in parallel (default: the number of cores). Output order is always index order.", valueName: "N"))
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(name: [.short, .long], help: "Print only errors.")
    var quiet = false

    /// The classes named by --classes, in the order given (all classes when absent).
    func selectedClasses() throws -> [SynthClass] {
        guard let classes else { return SynthClass.allCases }
        var result: [SynthClass] = []
        for part in classes.split(separator: ",") {
            let name = part.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { continue }
            guard let kind = SynthClass(parsing: name) else {
                let known = SynthClass.allCases.map { "\($0.index) '\($0.rawValue)'" }.joined(separator: ", ")
                throw ValidationError("--classes: unknown class '\(name)'; known: \(known)")
            }
            if !result.contains(kind) { result.append(kind) }
        }
        guard !result.isEmpty else { throw ValidationError("--classes: no class named") }
        return result
    }

    mutating func validate() throws {
        guard count >= 0 else { throw ValidationError("--count must not be negative, got \(count)") }
        guard seconds.isFinite, seconds >= 0.4, seconds <= 60 else {
            throw ValidationError("--seconds must be in [0.4, 60] (at least 4 frames, so an impact can be seen), got \(seconds)")
        }
        guard first >= 0, first <= Int.max - count else { throw ValidationError("--first must be a non-negative index, got \(first)") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        _ = try selectedClasses()
        if output == nil && isatty(1) == 1 {
            throw ValidationError("refusing to write a tar to a terminal: redirect stdout or use -o FILE")
        }
    }

    func run() throws {
        Interrupt.install()
        let generator = SynthGenerator(seed: seed, seconds: seconds, classes: try selectedClasses())
        let out: TarOutput
        do {
            out = try TarOutput(path: output)
        } catch {
            log("synth", "\(error)")
            throw ExitCode(ExitStatus.fatal)
        }

        var written = 0
        try out.write(command: "synth") { tar in
            // Batches of 8 clips per job, fewer for long clips: about 256 MB of tensors at most.
            let clipBytes = generator.frames * 3 * SynthGenerator.size * SynthGenerator.size + generator.samples * 4
            let batch = max(jobs, min(jobs * 8, (256 << 20) / max(1, clipBytes)))
            while written < count, Interrupt.received == nil {
                let n = min(batch, count - written)
                let samples = try SynthBatch.encode(generator: generator, first: first + written, count: n,
                                                    seed: seed, jobs: jobs)
                for entries in samples { try tar.appendAll(entries) }
                written += n
            }
        }
        if let signal = Interrupt.received, written < count {
            log("synth", "interrupted by signal \(signal) after \(written) of \(count) clips; archive ends cleanly")
            throw ExitCode(128 + signal)
        }
        if !quiet {
            let names = generator.classes.map(\.rawValue).joined(separator: ", ")
            log("synth", "\(written) clips (\(generator.frames) frames, \(generator.samples) samples; \(names); seed \(seed)) to \(output ?? "stdout")")
        }
    }
}

/// Generates and encodes a run of clips in parallel; results come back in index order.
enum SynthBatch {
    /// One clip's tar entries, or the error that stopped it.
    private final class Slots: @unchecked Sendable {
        var results: [Result<[(name: String, data: [UInt8])], Error>?]
        let lock = NSLock()
        init(count: Int) { results = Array(repeating: nil, count: count) }
        func store(_ index: Int, _ result: Result<[(name: String, data: [UInt8])], Error>) {
            lock.lock(); results[index] = result; lock.unlock()
        }
    }

    /// The entries of clips `first ..< first+count`: KEY.audio.npy, KEY.json, KEY.video.npy each.
    static func encode(generator: SynthGenerator, first: Int, count: Int, seed: UInt64,
                       jobs: Int) throws -> [[(name: String, data: [UInt8])]] {
        let slots = Slots(count: count)
        let workers = max(1, min(jobs, count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for j in stride(from: worker, to: count, by: workers) {
                slots.store(j, Result { try entries(of: generator.clip(first + j), index: first + j, seed: seed) })
            }
        }
        return try slots.results.map { result in
            guard let result else { throw SynthCommandError.missingClip }
            return try result.get()
        }
    }

    /// The three tar entries of one clip, named after its key.
    static func entries(of clip: SynthClip, index: Int, seed: UInt64) throws -> [(name: String, data: [UInt8])] {
        let key = String(format: "%06d_w000", index)
        let audio = try NpyArray(float32: clip.audio, shape: [1, clip.audio.count])
        let video = try NpyArray(uint8: clip.video, shape: [clip.frames, 3, SynthGenerator.size, SynthGenerator.size])
        return [
            (name: "\(key).audio.npy", data: NpyCoding.encode(audio)),
            (name: "\(key).json", data: Array(clip.metadataJSON(key: key, seed: seed, index: index).utf8)),
            (name: "\(key).video.npy", data: NpyCoding.encode(video)),
        ]
    }
}

/// Failures of `synth` that are not output errors.
enum SynthCommandError: Error, CustomStringConvertible {
    /// A worker finished without producing its clip (should not happen).
    case missingClip

    var description: String {
        switch self {
        case .missingClip: return "synth: a clip was not generated"
        }
    }
}

// The helpers below keep this file self-contained, so it compiles in any checkout of the
// Tool target; they mirror the shared ones (ExitStatus, log, Interrupt) and can be replaced
// by them.

/// Exit codes of `synth` (the same values as the tool's documented EXIT STATUS).
