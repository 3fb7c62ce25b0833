/// Fully connected layer y = x Wᵀ + b with W `[out, in]` (PyTorch `nn.Linear`).
public final class Linear: Module {
    /// Weight `[out, in]`.
    public let weight: Tensor
    /// Bias `[out]`, if any.
    public let bias: Tensor?

    /// A layer with PyTorch default initialisation (or zeros when `zeroInit`).
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, zeroInit: Bool = false, rng: inout Xoshiro256) {
        if zeroInit {
            weight = Tensor.zeros([outFeatures, inFeatures], requiresGrad: true)
            self.bias = bias ? Tensor.zeros([outFeatures], requiresGrad: true) : nil
        } else {
            weight = defaultInit([outFeatures, inFeatures], fanIn: inFeatures, rng: &rng)
            self.bias = bias ? defaultInit([outFeatures], fanIn: inFeatures, rng: &rng) : nil
        }
    }

    /// x `[..., in]` -> `[..., out]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let y = x.matmul(weight, transB: true)
        return bias.map { y + $0 } ?? y
    }

    /// `weight` and `bias`.
    public func namedParameters() -> [(String, Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }
}
