extension Tensor {
    /// The same elements with a new shape (one extent may be -1, inferred). Shares storage.
    public func reshape(_ newShape: [Int]) -> Tensor {
        var sh = newShape
        if let i = sh.firstIndex(of: -1) {
            let known = sh.enumerated().filter { $0.offset != i }.reduce(1) { $0 * $1.element }
            sh[i] = known == 0 ? 0 : count / known
        }
        precondition(sh.reduce(1, *) == count, "reshape: \(shape) to \(newShape)")
        if sh == shape { return self }
        return Tensor.result(.reshape, [self], shape: sh, storage: storage)
    }

    /// Axis permutation: output axis i is input axis `perm[i]` (copies).
    public func permute(_ perm: [Int]) -> Tensor {
        precondition(perm.sorted() == Array(0..<rank), "permute: \(perm) for rank \(rank)")
        if perm == Array(0..<rank) { return self }
        let outShape = perm.map { shape[$0] }
        let st = contiguousStrides(shape)
        let s = Storage(count: count)
        stridedCopy(storage.pointer, perm.map { st[$0] }, s.pointer, contiguousStrides(outShape), shape: outShape)
        return Tensor.result(.permute(perm), [self], shape: outShape, storage: s)
    }

    /// Swaps the last two axes.
    public var transposed: Tensor {
        var p = Array(0..<rank)
        p.swapAt(rank - 1, rank - 2)
        return permute(p)
    }

    /// Broadcasts to `target` (size-1 axes repeated, leading axes added); materialises the copy.
    public func expand(to target: [Int]) -> Tensor {
        if target == shape { return self }
        precondition(broadcastShape(shape, target) == target, "expand: \(shape) to \(target)")
        let s = Storage(count: target.reduce(1, *))
        stridedCopy(storage.pointer, broadcastStrides(shape, to: target), s.pointer, contiguousStrides(target), shape: target)
        return Tensor.result(.expand, [self], shape: target, storage: s)
    }

    /// The box `starts[i] ..< starts[i] + shape[i]` of every axis.
    public func slice(starts: [Int], shape outShape: [Int]) -> Tensor {
        precondition(starts.count == rank && outShape.count == rank
                     && (0..<rank).allSatisfy { starts[$0] >= 0 && starts[$0] + outShape[$0] <= shape[$0] },
                     "slice: start \(starts) extent \(outShape) of \(shape)")
        if outShape == shape { return self }
        let st = contiguousStrides(shape)
        let off = zip(starts, st).reduce(0) { $0 + $1.0 * $1.1 }
        let s = Storage(count: outShape.reduce(1, *))
        stridedCopy(storage.pointer + off, st, s.pointer, contiguousStrides(outShape), shape: outShape)
        return Tensor.result(.slice(starts: starts), [self], shape: outShape, storage: s)
    }

    /// Elements `range` along one axis.
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        let a = axis < 0 ? axis + rank : axis
        var st = [Int](repeating: 0, count: rank), sh = shape
        st[a] = range.lowerBound
        sh[a] = range.count
        return slice(starts: st, shape: sh)
    }

    /// Splits into `parts` equal pieces along an axis (PyTorch `chunk`).
    public func chunk(_ parts: Int, axis: Int) -> [Tensor] {
        let a = axis < 0 ? axis + rank : axis
        let n = shape[a] / parts
        precondition(n * parts == shape[a], "chunk: \(shape[a]) not divisible by \(parts)")
        return (0..<parts).map { slice(axis: a, ($0 * n)..<(($0 + 1) * n)) }
    }

    /// Zero padding: `before[i]` zeros before and `after[i]` after along axis i.
    public func pad(before: [Int], after: [Int]) -> Tensor {
        precondition(before.count == rank && after.count == rank, "pad: lists must have rank \(rank)")
        let outShape = (0..<rank).map { shape[$0] + before[$0] + after[$0] }
        let s = Storage(zeros: outShape.reduce(1, *))
        let ost = contiguousStrides(outShape)
        let off = zip(before, ost).reduce(0) { $0 + $1.0 * $1.1 }
        stridedCopy(storage.pointer, contiguousStrides(shape), s.pointer + off, ost, shape: shape)
        return Tensor.result(.pad(before: before, after: after), [self], shape: outShape, storage: s)
    }

    /// Concatenation along an axis.
    public static func concat(_ parts: [Tensor], axis: Int) -> Tensor {
        precondition(!parts.isEmpty, "concat: no tensors")
        let r = parts[0].rank
        let a = axis < 0 ? axis + r : axis
        var outShape = parts[0].shape
        outShape[a] = parts.reduce(0) { $0 + $1.shape[a] }
        for p in parts {
            precondition(p.rank == r && (0..<r).allSatisfy { $0 == a || p.shape[$0] == outShape[$0] },
                         "concat: \(p.shape) does not fit \(outShape) along axis \(a)")
        }
        let s = Storage(count: outShape.reduce(1, *))
        let ost = contiguousStrides(outShape)
        var start = 0
        for p in parts {
            stridedCopy(p.storage.pointer, contiguousStrides(p.shape), s.pointer + start * ost[a], ost, shape: p.shape)
            start += p.shape[a]
        }
        return result(.concat(axis: a), parts, shape: outShape, storage: s)
    }
}
