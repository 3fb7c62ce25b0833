/// Group normalisation over `[B, C, ...]` with optional per-channel affine (PyTorch `nn.GroupNorm`).
public final class GroupNorm: Module {
    /// Number of channel groups.
    public let groups: Int
    /// Scale `[C]` (ones at init), if affine.
    public let weight: Tensor?
    /// Shift `[C]` (zeros at init), if affine.
    public let bias: Tensor?
    /// Added to the variance.
    public let eps: Float

    /// A norm over `channels` split in `groups`.
    public init(groups: Int, channels: Int, affine: Bool = true, eps: Float = 1e-5) {
        self.groups = groups
        self.eps = eps
        weight = affine ? Tensor.full([channels], 1, requiresGrad: true) : nil
        bias = affine ? Tensor.zeros([channels], requiresGrad: true) : nil
    }

    /// (x - mean_g) / sqrt(var_g + eps) [* weight + bias].
    public func callAsFunction(_ x: Tensor) -> Tensor { groupNorm(x, groups: groups, weight: weight, bias: bias, eps: eps) }

    /// `weight` and `bias` when affine.
    public func namedParameters() -> [(String, Tensor)] {
        guard let weight, let bias else { return [] }
        return [("weight", weight), ("bias", bias)]
    }
}

/// Layer normalisation over the last axis with optional affine (PyTorch `nn.LayerNorm`).
public final class LayerNorm: Module {
    /// Scale (ones at init), if affine.
    public let weight: Tensor?
    /// Shift (zeros at init), if affine.
    public let bias: Tensor?
    /// Added to the variance.
    public let eps: Float

    /// A norm over a last axis of `features`.
    public init(_ features: Int, affine: Bool = true, eps: Float = 1e-5) {
        self.eps = eps
        weight = affine ? Tensor.full([features], 1, requiresGrad: true) : nil
        bias = affine ? Tensor.zeros([features], requiresGrad: true) : nil
    }

    /// (x - mean) / sqrt(var + eps) [* weight + bias].
    public func callAsFunction(_ x: Tensor) -> Tensor { layerNorm(x, weight: weight, bias: bias, eps: eps) }

    /// `weight` and `bias` when affine.
    public func namedParameters() -> [(String, Tensor)] {
        guard let weight, let bias else { return [] }
        return [("weight", weight), ("bias", bias)]
    }
}
