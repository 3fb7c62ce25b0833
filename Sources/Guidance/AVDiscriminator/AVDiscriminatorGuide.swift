import Tensor

/// A trained `AVDiscriminatorNet` as the diffusion core's `Discriminator` over (audio, video):
/// the logits of a batch and their input-gradients, for `JointGuidance`.
public struct AVDiscriminatorGuide: Discriminator {
    /// The network.
    public let model: AVDiscriminatorNet

    /// Wraps `model`.
    public init(_ model: AVDiscriminatorNet) { self.model = model }

    /// `h` and `dh/dx` for `x = [audio [B, 1, L], video [B, F, 3, H, W]]` at `step`; the
    /// condition is a text vector shared by the batch, `nil` the empty prompt (all zeros).
    /// Only the input-gradient is computed, never the weights' gradients. At steps the network
    /// was not trained on (`maxStep` and above) it says nothing: logits and gradients are zero.
    public func logitsAndGradients(_ x: [Batch], step: Int, condition: Condition?) throws -> DiscriminatorOutput {
        let config = model.config
        guard x.count == 2 else {
            throw GuidanceError.invalidShape("the audio-video discriminator takes 2 modalities, got \(x.count)")
        }
        let (audio, video) = (x[0], x[1])
        guard Array(audio.shape.dropFirst()) == config.audioShape, Array(video.shape.dropFirst()) == config.videoShape,
              audio.batchSize == video.batchSize else {
            throw GuidanceError.invalidShape("discriminator expects audio \(config.audioShape) and video \(config.videoShape) per pair, got \(audio.shape) and \(video.shape)")
        }
        let text = condition ?? [Float](repeating: 0, count: config.textDim)
        guard text.count == config.textDim else {
            throw GuidanceError.invalidShape("text condition of \(text.count) values, expected \(config.textDim)")
        }
        let b = audio.batchSize
        guard step < config.maxStep else {
            return DiscriminatorOutput(logits: [Double](repeating: 0, count: b),
                                       gradients: [try Batch(shape: audio.shape, values: [Float](repeating: 0, count: audio.values.count)),
                                                   try Batch(shape: video.shape, values: [Float](repeating: 0, count: video.values.count))])
        }
        let a = Tensor(shape: audio.shape, data: audio.values, requiresGrad: true)
        let v = Tensor(shape: video.shape, data: video.values, requiresGrad: true)
        let h = model(audio: a, video: v, steps: [Int](repeating: step, count: b),
                      text: Tensor(shape: [1, config.textDim], data: text).expand(to: [b, config.textDim]))
        let grads = gradient(of: h.sum(), wrt: [a, v])
        return DiscriminatorOutput(logits: h.scalars.map(Double.init),
                                   gradients: [try Batch(shape: audio.shape, values: grads[0].scalars),
                                               try Batch(shape: video.shape, values: grads[1].scalars)])
    }
}
