import Foundation
import XCTest
@testable import MediaIO

/// Bounded memory on a long input (opt-in: set DECODE_LONG_CLIP to a long video, e.g. 10 min 720p).
final class DecodeMemoryTests: XCTestCase {
    /// Peak resident set size of this process in MB (VmHWM), or nil off Linux.
    private func peakRSS() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kb / 1024
    }

    func testWholeLongClipStaysBounded() throws {
        guard let path = ProcessInfo.processInfo.environment["DECODE_LONG_CLIP"] else {
            throw XCTSkip("set DECODE_LONG_CLIP to a long clip to run the memory check")
        }
        let reader = try MediaReader(path: path)
        var frames = 0, samples = 0
        let began = Date()
        try reader.decode(start: 0, duration: nil, audio: AudioSpec(), video: VideoSpec(fps: 10, size: 64),
                          onAudio: { samples += $0.count }, onFrame: { _ in frames += 1 })
        let peak = peakRSS() ?? 0
        DecodeFixtures.report("long clip \(reader.info.duration ?? 0) s: \(frames) frames, \(samples) samples, "
            + "peak RSS \(Int(peak)) MB, \(Int(Date().timeIntervalSince(began))) s")
        XCTAssertEqual(Double(frames), (reader.info.duration ?? 0) * 10, accuracy: 2)
        XCTAssertLessThan(peak, 300)

        // A window near the end seeks instead of decoding from the start.
        let start = max(0, (reader.info.duration ?? 0) - 30)
        let windowBegan = Date()
        var windowFrames = 0, windowSamples = 0
        try reader.decode(start: start, duration: 5, audio: AudioSpec(), video: VideoSpec(fps: 10, size: 64),
                          onAudio: { windowSamples += $0.count }, onFrame: { _ in windowFrames += 1 })
        let seconds = Date().timeIntervalSince(windowBegan)
        DecodeFixtures.report("long clip window at \(start) s: \(windowFrames) frames, \(windowSamples) samples, "
            + "\(reader.packetsRead) packets, \(String(format: "%.2f", seconds)) s")
        XCTAssertEqual(windowFrames, 50)
        XCTAssertEqual(windowSamples, 80000)
        XCTAssertLessThan(seconds, 5)
    }
}
