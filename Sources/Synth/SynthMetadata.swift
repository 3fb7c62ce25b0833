/// The `KEY.json` sidecar of a synth clip in the prep tar format.
extension SynthClip {
    /// Compact JSON with sorted keys: key, source "synth", class, class_index, caption, fps,
    /// sample_rate, frames, size, audio_samples, duration, event_times, event_frames, seed, index.
    ///
    /// `seed` is the run's seed and `index` the clip's index, so `SynthGenerator(seed:...).clip(index)`
    /// reproduces the clip. Written by hand (no Foundation), so the bytes never depend on a JSON library.
    public func metadataJSON(key: String, seed: UInt64, index: Int) -> String {
        let rate = SynthGenerator.sampleRate
        let fields: [(String, String)] = [
            ("audio_samples", String(audio.count)),
            ("caption", Self.quoted(caption)),
            ("class", Self.quoted(synthClass.rawValue)),
            ("class_index", String(classIndex)),
            ("duration", String(Double(audio.count) / Double(rate))),
            ("event_frames", "[" + eventFrames.map(String.init).joined(separator: ",") + "]"),
            ("event_times", "[" + eventTimes.map { String(($0 * 1e6).rounded() / 1e6) }.joined(separator: ",") + "]"),
            ("fps", String(SynthGenerator.fps)),
            ("frames", String(frames)),
            ("index", String(index)),
            ("key", Self.quoted(key)),
            ("sample_rate", String(rate)),
            ("seed", String(seed)),
            ("size", String(SynthGenerator.size)),
            ("source", "\"synth\""),
        ]
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
