extension Tensor {
    /// Sum over `axes` (negative axes count from the end); keeps them as size 1 when `keepDims`.
    public func sum(axes: [Int], keepDims: Bool = false) -> Tensor {
        let ax = normalizeAxes(axes, rank: rank)
        let (s, kept) = reduceKernel(self, axes: ax, isMax: false)
        let t = Tensor.result(.sum(axes: ax), [self], shape: kept, storage: s)
        return keepDims ? t : t.reshape(shape.enumerated().filter { !ax.contains($0.offset) }.map(\.element))
    }

    /// Sum of all elements, as a rank-0 tensor.
    public func sum() -> Tensor { sum(axes: Array(0..<rank)) }

    /// Mean over `axes`: sum / (number of elements reduced).
    public func mean(axes: [Int], keepDims: Bool = false) -> Tensor {
        let ax = normalizeAxes(axes, rank: rank)
        let n = ax.reduce(1) { $0 * shape[$1] }
        return sum(axes: ax, keepDims: keepDims) * (1 / Float(n))
    }

    /// Mean of all elements, as a rank-0 tensor.
    public func mean() -> Tensor { mean(axes: Array(0..<rank)) }

    /// Max over `axes`; the gradient is shared equally among tied maxima.
    public func max(axes: [Int], keepDims: Bool = false) -> Tensor {
        let ax = normalizeAxes(axes, rank: rank)
        let (s, kept) = reduceKernel(self, axes: ax, isMax: true)
        let t = Tensor.result(.max(axes: ax), [self], shape: kept, storage: s)
        return keepDims ? t : t.reshape(shape.enumerated().filter { !ax.contains($0.offset) }.map(\.element))
    }

    /// Sums broadcast axes away so the result has `target` shape (the adjoint of broadcasting).
    public func sum(to target: [Int]) -> Tensor {
        if shape == target { return self }
        let off = rank - target.count
        precondition(off >= 0, "sum(to:): \(shape) cannot reduce to \(target)")
        var axes = Array(0..<off)
        for i in 0..<target.count where target[i] == 1 && shape[i + off] != 1 { axes.append(i + off) }
        let r = axes.isEmpty ? self : sum(axes: axes, keepDims: true)
        return r.shape == target ? r : r.reshape(target)
    }
}
