import Foundation
import Synth

/// The text vectors of a data set's captions: each distinct caption is encoded once.
struct CaptionVectors {
    private let encoder = TextEncoder()
    private var positions: [String: Int] = [:]
    /// One vector per distinct caption, in first-seen order.
    private(set) var vectors: [[Float]] = []
    /// The distinct captions, in first-seen order.
    private(set) var captions: [String] = []

    /// The index of `caption`'s vector in `vectors`, encoding it on first sight.
    mutating func index(of caption: String) -> Int {
        if let k = positions[caption] { return k }
        positions[caption] = vectors.count
        vectors.append(encoder.encode(caption).vector)
        captions.append(caption)
        return vectors.count - 1
    }

    /// The string fields of a sample's JSON sidecar (none when it is missing or unreadable).
    static func fields(_ json: [UInt8]?) -> [String: String] {
        guard let json, let object = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] else { return [:] }
        return object.compactMapValues { $0 as? String }
    }
}
