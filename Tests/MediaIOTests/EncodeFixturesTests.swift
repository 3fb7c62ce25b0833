// Shared helpers for the Encode*Tests: synthetic input, the ffmpeg/ffprobe CLIs, and metrics.
import Foundation
import XCTest
@testable import MediaIO

/// Synthetic input and CLI checks for the MP4 writer tests.
enum EncodeFixture {
    /// A smooth moving colour pattern: frame `t` of a `width`×`height` RGB24 clip.
    static func pattern(width: Int, height: Int, frame t: Int) -> [UInt8] {
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        let phase = Double(t) / 16
        for y in 0..<height {
            for x in 0..<width {
                let u = Double(x) / Double(width), v = Double(y) / Double(height)
                let i = (y * width + x) * 3
                rgb[i] = UInt8(128 + 90 * sin(2 * .pi * (u + phase)))
                rgb[i + 1] = UInt8(128 + 90 * cos(2 * .pi * (v - phase)))
                rgb[i + 2] = UInt8(40 + 170 * (u + v) / 2)
            }
        }
        return rgb
    }

    /// `count` samples of a 440 Hz sine whose amplitude ramps from 0.2 to 0.5, so that
    /// alignment by best fit is unambiguous (a steady sine fits equally well a period later).
    static func sine(count: Int, sampleRate: Int, frequency: Double = 440) -> [Float] {
        (0..<count).map {
            let amplitude = 0.2 + 0.3 * Double($0) / Double(max(1, count))
            return Float(amplitude * sin(2 * .pi * frequency * Double($0) / Double(sampleRate)))
        }
    }

    /// Feeds `frames` pictures and matching audio (in 1000-sample chunks, off the AAC frame grid).
    static func feed(_ writer: MP4Writer, width: Int, height: Int, frames: Int, audio: [Float]) throws {
        var audioSent = 0
        for t in 0..<frames {
            let rgb = pattern(width: width, height: height, frame: t)
            try rgb.withUnsafeBufferPointer { try writer.writeVideoFrame(rgb: $0) }
            let due = audio.count * (t + 1) / frames
            while audioSent < due {
                let end = min(due, audioSent + 1000)
                try audio[audioSent..<end].withUnsafeBufferPointer { try writer.writeAudio($0) }
                audioSent = end
            }
        }
    }

    /// A fresh temporary directory for one test.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("encode-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs `tool` with `arguments`, optionally feeding `stdin`; returns stdout; fails on a non-zero exit.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String], stdin: FileHandle? = nil) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        if let stdin { process.standardInput = stdin }
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw EncodeTestFailure("\(tool) \(arguments.joined(separator: " ")) exited "
                + "\(process.terminationStatus): \(String(decoding: errors, as: UTF8.self))")
        }
        return data
    }

    /// `ffprobe -show_streams -count_frames` as one dictionary per stream.
    static func probeStreams(_ path: String) throws -> [[String: Any]] {
        let json = try run("ffprobe", ["-v", "error", "-count_frames", "-show_streams", "-of", "json", path])
        let root = try JSONSerialization.jsonObject(with: json) as? [String: Any]
        return root?["streams"] as? [[String: Any]] ?? []
    }

    /// The first stream of `type` ("video"/"audio") in a probe result.
    static func stream(_ streams: [[String: Any]], _ type: String) throws -> [String: Any] {
        guard let s = streams.first(where: { $0["codec_type"] as? String == type }) else {
            throw EncodeTestFailure("no \(type) stream in \(streams)")
        }
        return s
    }

    /// Decodes the video of `path` (a file or "pipe:0") to packed RGB24 bytes with the ffmpeg CLI.
    /// The YUV->RGB step uses accurate rounding and full chroma interpolation: ffmpeg's fast
    /// default alone adds about 2 levels of error, even to a lossless (crf 0) stream.
    /// `-fps_mode passthrough` keeps one output picture per coded frame: otherwise the CLI
    /// duplicates the first frame when another stream (AAC priming) starts earlier.
    static func decodeVideo(_ path: String, stdin: FileHandle? = nil) throws -> [UInt8] {
        [UInt8](try run("ffmpeg", videoDecodeArguments(input: path, output: "-"), stdin: stdin))
    }

    /// ffmpeg CLI arguments that decode the first video stream of `input` to RGB24 at `output`.
    static func videoDecodeArguments(input: String, output: String) -> [String] {
        ["-v", "error", "-i", input, "-map", "0:v", "-fps_mode", "passthrough",
         "-sws_flags", "bicubic+accurate_rnd+full_chroma_int",
         "-f", "rawvideo", "-pix_fmt", "rgb24", "-y", output]
    }

    /// Decodes the audio of `path` to mono float32 at `sampleRate` with the ffmpeg CLI.
    static func decodeAudio(_ path: String, sampleRate: Int) throws -> [Float] {
        let data = try run("ffmpeg", ["-v", "error", "-i", path, "-map", "0:a", "-f", "f32le",
                                      "-ar", String(sampleRate), "-ac", "1", "-"])
        return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    /// Mean absolute difference, in 8-bit levels, between two equally long byte arrays.
    static func meanAbsoluteError(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Double {
        zip(a, b).reduce(0.0) { $0 + abs(Double($1.0) - Double($1.1)) } / Double(max(1, a.count))
    }

    /// SNR in dB of `decoded` against `reference[range]`, where decoded index = reference index + `lag`.
    static func snr(reference: [Float], decoded: [Float], lag: Int, range: Range<Int>? = nil) -> Double {
        var signal = 0.0, noise = 0.0
        for i in range ?? reference.indices {
            let j = i + lag
            guard j >= 0, j < decoded.count else { continue }
            let r = Double(reference[i]), d = Double(decoded[j])
            signal += r * r
            noise += (r - d) * (r - d)
        }
        return 10 * log10(signal / max(noise, 1e-20))
    }

    /// The lag within ±`maxLag` where `decoded` best fits `reference`, judged on the reference's
    /// middle (the AAC encoder's first frame after an abrupt onset is much noisier and would
    /// otherwise pull the fit towards dropping it).
    static func alignmentLag(reference: [Float], decoded: [Float], maxLag: Int) -> Int {
        let middle = min(reference.count, maxLag + 2048)..<max(0, reference.count - maxLag)
        return (-maxLag...maxLag).max { a, b in
            snr(reference: reference, decoded: decoded, lag: a, range: middle)
                < snr(reference: reference, decoded: decoded, lag: b, range: middle)
        } ?? 0
    }

    /// Offset of the first occurrence of a 4-byte box type such as "moov", or nil.
    static func boxOffset(_ type: String, in data: Data) -> Int? {
        data.range(of: Data(type.utf8)).map { $0.lowerBound - data.startIndex }
    }
}

/// A test-side failure with a message (e.g. a CLI that exited non-zero).
struct EncodeTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
