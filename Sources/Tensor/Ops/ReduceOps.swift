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

    /// The gradient for an operand of shape `target` of an elementwise op whose output has shape
    /// `output`, from this gradient, which is broadcastable to `output` (it may be lazily smaller).
    ///
    /// Sums the axes along which `target` was broadcast; where this tensor is itself a broadcast
    /// (extent 1 against an output extent n) the sum is n times the value, so it is scaled instead.
    /// The result has `target`'s rank and is broadcastable to `target`.
    func sumBroadcast(to target: [Int], output: [Int]) -> Tensor {
        if shape == target { return self }
        let r = output.count
        let mine = [Int](repeating: 1, count: r - rank) + shape
        let theirs = [Int](repeating: 1, count: r - target.count) + target
        var axes: [Int] = []
        var factor = 1
        for i in 0..<r where theirs[i] == 1 && output[i] != 1 {
            if mine[i] == 1 { factor *= output[i] } else { axes.append(i) }
        }
        var t = rank == r ? self : reshape(mine)
        if !axes.isEmpty { t = t.sum(axes: axes, keepDims: true) }
        if factor != 1 { t = t * Float(factor) }
        let dropped = Array(t.shape.dropFirst(r - target.count))
        return t.shape == dropped ? t : t.reshape(dropped)
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

/// sum(a ⊙ b) over `axes`, keeping them as size 1; a and b have the same shape.
/// One pass over the inputs for the last run of adjacent axes (no product tensor).
public func mulSum(_ a: Tensor, _ b: Tensor, axes: [Int]) -> Tensor {
    precondition(a.shape == b.shape, "mulSum: shapes \(a.shape) and \(b.shape) differ")
    let ax = normalizeAxes(axes, rank: a.rank)
    let (s, kept) = mulSumKernel(a, b, axes: ax)
    return Tensor.result(.mulSum(axes: ax), [a, b], shape: kept, storage: s)
}
