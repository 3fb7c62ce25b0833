import Foundation

/// The timing fields `encode` reads from a sample's `KEY.json` sidecar.
///
/// A sidecar that is not a JSON object, or lacks a field, leaves that field nil (the flags
/// apply). A field present but outside what an encoder can take is an error naming it, so a
/// damaged sidecar cannot reach the encoder with a frame rate or sample rate it would trap on.
struct SampleSidecar: Equatable {
    /// `fps`: frames per second, in (0, 1000] like `prep --fps`.
    var fps: Double?
    /// `sample_rate`: audio samples per second, in 1...768000.
    var sampleRate: Int?

    /// Largest accepted `sample_rate` (the highest rate FFmpeg's encoders list).
    static let maxSampleRate = 768_000

    /// Parses the sidecar bytes.
    init(json: [UInt8]) throws {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] else { return }
        if let value = object["fps"], !(value is NSNull) {
            guard let f = (value as? NSNumber)?.doubleValue, f > 0, f <= 1000 else {
                throw SampleError("json fps \(value) is not a number in (0, 1000]")
            }
            fps = f
        }
        if let value = object["sample_rate"], !(value is NSNull) {
            guard let number = value as? NSNumber, let r = Int(exactly: number.doubleValue),
                  r >= 1, r <= Self.maxSampleRate else {
                throw SampleError("json sample_rate \(value) is not an integer in 1...\(Self.maxSampleRate)")
            }
            sampleRate = r
        }
    }
}
