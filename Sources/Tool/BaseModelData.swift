import Foundation
import Guidance
import MediaIO

/// One modality of a prep/synth tar held in memory for base-model training.
///
/// Only `KEY.json` (for `caption`) and the modality's own `.npy` are decoded; the other
/// modality's entries are skipped. Audio is cut or zero-padded to the model's length;
/// video stays uint8 and becomes `x / 127.5 - 1` per example.
struct BaseModelData: BaseTrainingData {
    /// Audio examples, or empty.
    private var audio: [[Float]] = []
    /// Video examples as uint8 `[F, 3, H, W]`, or empty.
    private var video: [[UInt8]] = []
    /// Index into `text.vectors` per example.
    private var textIndex: [Int] = []
    /// The distinct captions (in first-seen order, for the log) and their vectors.
    private(set) var text = CaptionVectors()

    /// Number of examples.
    var count: Int { textIndex.count }

    /// Reads every sample of `source` (at most `limit`) for `config`'s modality.
    init(source: ByteSource, config: BaseModelConfig, limit: Int?) throws {
        let reader = WebDatasetReader(tar: TarReader(source: source))
        let shape = config.sampleShape, n = shape.reduce(1, *)
        while let sample = try reader.next() {
            if let limit, count >= limit { break }
            let entry = config.modality == .audio ? "audio.npy" : "video.npy"
            guard let bytes = sample.files[entry] else { throw SampleError("\(sample.key): no \(entry)") }
            let array = try NpyCoding.decode(bytes)
            switch config.modality {
            case .audio:
                guard array.dtype == .float32 else { throw SampleError("\(sample.key): audio must be float32") }
                var values = try array.floats()
                values = Array(values.prefix(n)) + [Float](repeating: 0, count: max(0, n - values.count))
                audio.append(values)
            case .video:
                guard array.dtype == .uint8, array.shape == shape else {
                    throw SampleError("\(sample.key): video must be uint8 \(shape), found \(array.dtype.rawValue) \(array.shape)")
                }
                video.append(array.data)
            }
            textIndex.append(text.index(of: CaptionVectors.fields(sample.files["json"])["caption"] ?? ""))
        }
    }

    /// The deviation of each band of `config`'s block DCT over the audio clips in model space
    /// (`BaseModelConfig.bandStd`; every clip when there are at most 1000, else every n-th),
    /// each at least 1e-3.
    func bandDeviations(config: BaseModelConfig) -> [Float] {
        let stride = max(1, audio.count / 1000)
        let clips = Swift.stride(from: 0, to: audio.count, by: stride).map { config.toModel(clip: audio[$0]) }
        return BlockDCT(size: config.fold).bandDeviations(of: clips, floor: 1e-3)
    }

    /// Example `i`: model-ready values and the caption's text vector.
    func example(_ i: Int) -> (values: [Float], text: [Float]) {
        let vector = text.vectors[textIndex[i]]
        if !audio.isEmpty { return (audio[i], vector) }
        return (video[i].map { Float($0) / 127.5 - 1 }, vector)
    }
}
