import ArgumentParser
import Foundation
import MediaIO

/// One `prep` run: decodes the entries in parallel and writes their windows, in order, as a tar.
final class PrepJob {
    let settings: PrepSettings
    let entries: [ClipListEntry]
    let jobs: Int
    let quiet: Bool
    let latents: LatentEncoders?
    private let atomicOutput: AtomicFile?
    private let tar: TarWriter
    private let report: ByteSink?
    private var written = 0, skipped = 0, failed = 0, windowsWritten = 0

    /// Opens the output (stdout or an atomic file) and the report.
    init(settings: PrepSettings, entries: [ClipListEntry], output: String?, reportPath: String?,
         jobs: Int, quiet: Bool, latents: LatentEncoders? = nil) throws {
        self.settings = settings
        self.latents = latents
        self.entries = entries
        self.jobs = jobs
        self.quiet = quiet
        do {
            let out = try TarOutput(path: output)
            atomicOutput = out.atomic
            tar = out.tar
            report = try reportPath.map { try ByteSink(creating: $0) }
        } catch {
            log("prep", "\(error)")
            throw ExitCode(ExitStatus.fatal)
        }
    }

    /// Runs to the end (or to an interrupt) and returns the exit status.
    func run() -> Int32 {
        let progress = TerminalProgress(label: "prep", total: entries.count)
        let pipeline = OrderedPipeline<ClipListEntry, PrepWindow, ClipOutcome>(
            items: entries, jobs: jobs, capacity: 8)
        let settings = self.settings, latents = self.latents
        let completed: Bool
        do {
            completed = try pipeline.run(
                work: { entry, emit in
                    try ClipWindower(settings: settings).process(path: entry.path) { window in
                        guard let latents else { return try emit(window) }
                        var w = window
                        w.videoLatent = try latents.videoLatent(w.video, settings: settings, index: entry.index, window: w.index)
                        w.audioLatent = try latents.audioLatent(w.audio, index: entry.index, window: w.index)
                        try emit(w)
                    }
                },
                consume: { entry, window in try self.write(window, of: entry) },
                finish: { entry, result in
                    try self.account(entry, result)
                    progress.advance()
                },
                shouldStop: { Interrupt.received != nil })
        } catch OutputError.brokenPipe {
            atomicOutput?.abort()
            exitQuietlyOnBrokenPipe()
        } catch {
            progress.finish()
            log("prep", "\(error)")
            atomicOutput?.abort()
            return ExitStatus.fatal
        }
        progress.finish()
        do {
            try tar.finish()
            try atomicOutput?.commit()
        } catch OutputError.brokenPipe {
            exitQuietlyOnBrokenPipe()
        } catch {
            log("prep", "\(error)")
            atomicOutput?.abort()
            return ExitStatus.fatal
        }
        let total = written + skipped + failed
        var summary = "\(entries.count) clips: \(written) written (\(windowsWritten) windows), \(skipped) skipped, \(failed) failed"
        if !completed {
            summary += "; interrupted by signal \(Interrupt.received ?? 0) after \(total) clips, archive ends cleanly"
        }
        log("prep", summary)
        if let signal = Interrupt.received, !completed { return 128 + signal }
        return skipped + failed == 0 ? ExitStatus.success : ExitStatus.partial
    }

    private func key(_ entry: ClipListEntry, _ window: Int) -> String {
        String(format: "%06d_w%03d", entry.index, window)
    }

    private func write(_ window: PrepWindow, of entry: ClipListEntry) throws {
        let key = key(entry, window.index)
        let meta = SampleMetadata(
            key: key, source: entry.path, line: entry.lineNumber, index: entry.index, window: window.index,
            start: window.start, duration: settings.windowSeconds, fps: settings.fps, frames: settings.frames,
            size: settings.size, fit: settings.fit.rawValue, sampleRate: settings.sampleRate,
            audioSamples: settings.audioSamples, channel: settings.channel.rawValue, preset: settings.preset,
            sourceFps: window.source.videoFPS,
            sourceSize: window.source.displayWidth.flatMap { w in window.source.displayHeight.map { [w, $0] } },
            rotation: window.source.rotation, caption: entry.caption, latent: latents.map { LatentMetadata($0) })
        var files: [(name: String, data: [UInt8])] = []
        let pixels = !(latents?.latentsOnly ?? false)
        if pixels {
            let audio = try NpyArray(float32: window.audio, shape: [1, settings.audioSamples])
            files.append((name: "\(key).audio.npy", data: NpyCoding.encode(audio)))
        }
        if let z = window.audioLatent {
            files.append((name: "\(key).audio_latent.npy", data: NpyCoding.encode(try NpyArray(float32: z.scalars, shape: z.shape))))
        }
        files.append((name: "\(key).json", data: try meta.encoded()))
        if pixels {
            let video = try NpyArray(uint8: window.video, shape: [settings.frames, 3, settings.size, settings.size])
            files.append((name: "\(key).video.npy", data: NpyCoding.encode(video)))
        }
        if let z = window.videoLatent {
            files.append((name: "\(key).video_latent.npy", data: NpyCoding.encode(try NpyArray(float32: z.scalars, shape: z.shape))))
        }
        try tar.appendAll(files)
        windowsWritten += 1
    }

    private func account(_ entry: ClipListEntry, _ result: Result<ClipOutcome, Error>) throws {
        var record: [String: Any] = ["line": entry.lineNumber, "index": entry.index, "path": entry.path]
        switch result {
        case let .success(.written(n, _, note)):
            written += 1
            record["status"] = "written"
            record["windows"] = n
            if let note { record["note"] = note; if !quiet { log("prep", "\(entry.path): \(note)") } }
        case let .success(.skipped(reason, _)):
            skipped += 1
            record["status"] = "skipped"
            record["reason"] = reason
            log("prep", "line \(entry.lineNumber): \(entry.path): skipped: \(reason)")
        case let .failure(error):
            failed += 1
            record["status"] = "failed"
            record["reason"] = "\(error)"
            let message = "\(error)"
            log("prep", "line \(entry.lineNumber): failed: " + (message.hasPrefix(entry.path) ? message : "\(entry.path): \(message)"))
        }
        if let report {
            let data = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys, .withoutEscapingSlashes])
            try report.write(Array(data) + [UInt8(ascii: "\n")])
        }
    }
}
