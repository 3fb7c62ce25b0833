import AVAlign
import Foundation
import MediaIO

/// Scores batches of inputs in parallel, prints one JSON line each in input order, and keeps totals.
final class AVAlignSession {
    let jobs: Int
    let plotPath: String?
    private let out = ByteSink(fileDescriptor: 1, name: "stdout")
    private var plotPanels: [AVAlignPlot.Panel] = []
    private(set) var scored = 0
    private(set) var nullScores = 0
    var failed = 0
    private var sum = 0.0

    /// Prints to stdout and, when `plotPath` is set, collects panels for the SVG.
    init(jobs: Int, plotPath: String?) {
        self.jobs = jobs
        self.plotPath = plotPath
    }

    /// Scores `inputs` with `jobs` threads and prints their lines in order.
    func score(_ inputs: [AVAlignInput], with scorer: AVAlignScorer) throws {
        guard !inputs.isEmpty else { return }
        let pipeline = OrderedPipeline<AVAlignInput, AVAlignResult, Void>(items: inputs, jobs: jobs, capacity: 1)
        _ = try pipeline.run(
            work: { input, emit in try emit(scorer.score(input)) },
            consume: { input, result in try self.record(input, result) },
            finish: { input, outcome in
                if case .failure(let error) = outcome { try self.recordFailure(input, error) }
            },
            shouldStop: { Interrupt.received != nil })
    }

    private func record(_ input: AVAlignInput, _ r: AVAlignResult) throws {
        var line: [String: Any] = [
            "score": r.score.map { $0 as Any } ?? NSNull(),
            "audio_peaks": r.audioPeaks.map(Self.rounded), "video_peaks": r.videoPeaks.map(Self.rounded),
            "fps": r.fps, "frames": r.frames, "audio_rate": r.audioRate,
        ]
        line[Self.nameKey(input)] = input.name
        if let reason = r.reason { line["reason"] = reason }
        if r.fps > 240 || r.fps < 1 {
            log("av-align", "\(input.name): implausible frame rate \(r.fps) fps from the container; used as is (override with --fps)")
            line["warning"] = "implausible frame rate \(r.fps) fps"
        }
        try emit(line)
        if let score = r.score { scored += 1; sum += score } else { nullScores += 1 }
        if plotPath != nil { plotPanels.append(AVAlignPlot.Panel(name: input.name, result: r)) }
    }

    private func recordFailure(_ input: AVAlignInput, _ error: Error) throws {
        failed += 1
        let message = "\(error)"
        log("av-align", message.hasPrefix(input.name) ? message : "\(input.name): \(message)")
        try emit([Self.nameKey(input): input.name, "score": NSNull(), "error": message])
    }

    private func emit(_ object: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        try out.write(Array(data) + [UInt8(ascii: "\n")])
    }

    /// Writes the SVG, if asked for.
    func finishPlot() throws {
        guard let plotPath else { return }
        let file = try AtomicFile(path: plotPath)
        try file.sink.write(Array(AVAlignPlot.svg(plotPanels).utf8))
        try file.commit()
    }

    /// "mean score 0.412 over 30 clips; 1 null; 2 failed".
    var summaryLine: String {
        let mean = scored > 0 ? String(format: "%.4f", sum / Double(scored)) : "n/a"
        return "mean score \(mean) over \(scored) clips scored; \(nullScores) with no events (null); \(failed) failed"
    }

    private static func nameKey(_ input: AVAlignInput) -> String {
        if case .sample = input { return "key" }
        return "file"
    }

    private static func rounded(_ t: Double) -> Double { (t * 1e6).rounded() / 1e6 }
}
