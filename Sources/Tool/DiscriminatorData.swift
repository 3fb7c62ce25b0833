import Foundation
import Guidance
import MediaIO

/// Audio-video pairs of a prep/synth/sample tar held in memory for discriminator training.
///
/// Reads `KEY.audio.npy` (float32, cut or zero-padded to the model's length), `KEY.video.npy`
/// (uint8 `[F, 3, H, W]`, turned into `x / 127.5 - 1` per draw) and `KEY.json` (`caption`
/// for the text vector; `class`, else the caption, for the group of mismatched negatives).
struct DiscriminatorData: AVPairData {
    private var audio: [[Float]] = []
    private var video: [[UInt8]] = []
    private var textIndex: [Int] = []
    private var text = CaptionVectors()
    private var groups: [Int] = []
    /// Distinct groups in first-seen order (for the log).
    private(set) var groupNames: [String] = []

    /// Number of pairs.
    var count: Int { textIndex.count }

    private let config: AVDiscriminatorConfig
    private var groupIndex: [String: Int] = [:]

    /// No pairs yet, for the discriminator's shapes.
    init(config: AVDiscriminatorConfig) {
        self.config = config
    }

    /// Adds every sample of `source` until `limit` pairs are held in all; `name` labels errors.
    mutating func read(_ source: ByteSource, name: String, limit: Int?) throws {
        let reader = WebDatasetReader(tar: TarReader(source: source))
        let audioLength = config.audioShape[1]
        while let sample = try reader.next() {
            if let limit, count >= limit { break }
            guard let a = sample.files["audio.npy"], let v = sample.files["video.npy"] else {
                throw SampleError("\(name): \(sample.key) lacks audio.npy or video.npy")
            }
            let audioArray = try NpyCoding.decode(a), videoArray = try NpyCoding.decode(v)
            guard audioArray.dtype == .float32 else { throw SampleError("\(name): \(sample.key): audio must be float32") }
            guard videoArray.dtype == .uint8, videoArray.shape == config.videoShape else {
                throw SampleError("\(name): \(sample.key): video must be uint8 \(config.videoShape), found \(videoArray.dtype.rawValue) \(videoArray.shape)")
            }
            let values = try audioArray.floats()
            audio.append(Array(values.prefix(audioLength)) + [Float](repeating: 0, count: max(0, audioLength - values.count)))
            video.append(videoArray.data)
            let fields = CaptionVectors.fields(sample.files["json"])
            let caption = fields["caption"] ?? ""
            textIndex.append(text.index(of: caption))
            let group = fields["class"] ?? caption
            if let g = groupIndex[group] {
                groups.append(g)
            } else {
                groupIndex[group] = groupNames.count
                groups.append(groupNames.count)
                groupNames.append(group)
            }
        }
    }

    /// Pair `i` as the trainer wants it.
    func pair(_ i: Int) -> (audio: [Float], video: [Float], text: [Float]) {
        (audio[i], video[i].map { Float($0) / 127.5 - 1 }, text.vectors[textIndex[i]])
    }

    /// The group of pair `i`.
    func group(_ i: Int) -> Int { groups[i] }
}
