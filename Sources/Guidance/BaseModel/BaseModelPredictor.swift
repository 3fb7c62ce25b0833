import Tensor

/// A trained `BaseUNet` as the diffusion core's `NoisePredictor`: the condition is a text
/// vector shared by the batch, and `nil` (or the empty prompt) is the all-zero vector.
public struct BaseModelPredictor: NoisePredictor {
    /// The network.
    public let model: BaseUNet

    /// Wraps `model`.
    public init(_ model: BaseUNet) { self.model = model }

    /// The empty-prompt condition (zeros of the text width), for classifier-free guidance.
    public var unconditional: Condition { [Float](repeating: 0, count: model.config.textDim) }

    /// eps_theta(x, step, text) without building a gradient graph.
    public func predictNoise(_ x: Batch, step: Int, condition: Condition?) throws -> Batch {
        let config = model.config
        guard Array(x.shape.dropFirst()) == config.sampleShape else {
            throw GuidanceError.invalidShape("\(config.modality.rawValue) model expects samples \(config.sampleShape), got \(x.shape)")
        }
        let text = condition ?? unconditional
        guard text.count == config.textDim else {
            throw GuidanceError.invalidShape("text condition of \(text.count) values, expected \(config.textDim)")
        }
        let b = x.batchSize
        let out = withoutGrad {
            model(Tensor(shape: x.shape, data: x.values), steps: [Int](repeating: step, count: b),
                  text: Tensor(shape: [1, config.textDim], data: text).expand(to: [b, config.textDim]))
        }
        return try Batch(shape: x.shape, values: out.scalars)
    }
}
