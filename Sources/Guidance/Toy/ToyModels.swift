import Tensor

/// The trained toy base model as a `NoisePredictor`: the one 1-D network applied to every
/// value of a batch (a `[B, d]` batch is evaluated as `B d` scalars at the shared step), as
/// the reference does for pairs. The condition is ignored.
public struct ToyBaseModel: NoisePredictor {
    /// The network `eps_theta(x, t)` on scalars.
    public let network: ToyMLP

    /// Wraps a base network (input width 1).
    public init(_ network: ToyMLP) throws {
        guard network.inputDimension == 1 else {
            throw GuidanceError.invalidConfiguration("the toy base model takes scalars (input width 1)")
        }
        self.network = network
    }

    /// `eps_theta` of every value, without recording gradients.
    public func predictNoise(_ x: Batch, step: Int, condition: Condition?) throws -> Batch {
        guard (0..<network.steps).contains(step) else {
            throw GuidanceError.invalidConfiguration("step \(step) outside 0..<\(network.steps)")
        }
        let n = x.values.count
        let out = withoutGrad {
            network(Tensor(shape: [n, 1], data: x.values), Array(repeating: step, count: n))
        }
        return try Batch(shape: x.shape, values: out.scalars)
    }
}

/// The toy discriminator network as a `Discriminator` over two scalar modalities
/// (x, y), each a `[B, 1]` batch: logits `h = D([x, y], t)` and `dh/dx`, `dh/dy` by the
/// tensor engine's reverse mode. `JointGuidance` applies the stable-logit chain rule.
public struct ToyDiscriminator: Discriminator {
    /// The network D on pairs (input width 2).
    public let network: ToyMLP

    /// Wraps a discriminator network (input width 2).
    public init(_ network: ToyMLP) throws {
        guard network.inputDimension == 2 else {
            throw GuidanceError.invalidConfiguration("the toy discriminator takes pairs (input width 2)")
        }
        self.network = network
    }

    /// Logits of the pairs and their input-gradients.
    public func logitsAndGradients(_ x: [Batch], step: Int, condition: Condition?) throws -> DiscriminatorOutput {
        guard x.count == 2, x.allSatisfy({ $0.sampleSize == 1 }), x[0].batchSize == x[1].batchSize else {
            throw GuidanceError.invalidShape("the toy discriminator takes two [B, 1] batches")
        }
        guard (0..<network.steps).contains(step) else {
            throw GuidanceError.invalidConfiguration("step \(step) outside 0..<\(network.steps)")
        }
        let b = x[0].batchSize
        let xy = try pairTensor(x[0], x[1]).requiringGrad()
        let (h, g) = GradMode.with(enabled: true) { () -> (Tensor, Tensor) in
            let h = network(xy, Array(repeating: step, count: b))
            return (h, gradient(of: h.sum(), wrt: [xy])[0])
        }
        let gv = g.scalars
        return DiscriminatorOutput(
            logits: h.scalars.map(Double.init),
            gradients: [try Batch(shape: [b, 1], values: (0..<b).map { gv[2 * $0] }),
                        try Batch(shape: [b, 1], values: (0..<b).map { gv[2 * $0 + 1] })])
    }
}

/// The pairs `(x_b, y_b)` of two `[B, 1]` batches as a `[B, 2]` tensor.
func pairTensor(_ x: Batch, _ y: Batch) throws -> Tensor {
    let p = try pairBatch(x, y)
    return Tensor(shape: p.shape, data: p.values)
}
