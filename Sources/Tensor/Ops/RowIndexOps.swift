extension Tensor {
    /// Rows of the first axis picked by `index` (PyTorch `x[index]`): the result has
    /// `index.count` rows, row i a copy of row `index[i]`. Its gradient adds rows back
    /// (`scatterAddRows`).
    public func gatherRows(_ index: [Int]) -> Tensor {
        precondition(rank >= 1, "gatherRows: needs at least one axis")
        let rows = shape[0], width = rows == 0 ? 0 : count / rows
        precondition(index.allSatisfy { (0..<rows).contains($0) }, "gatherRows: index outside 0..<\(rows)")
        let s = Storage(count: index.count * width)
        let src = storage.pointer, dst = s.pointer
        for (i, r) in index.enumerated() { (dst + i * width).update(from: src + r * width, count: width) }
        return Tensor.result(.gatherRows(index), [self], shape: [index.count] + shape.dropFirst(), storage: s)
    }

    /// Rows added into `rows` rows by `index` (PyTorch `index_add_` on zeros): row r of the
    /// result is the sum, in index order, of the rows i with `index[i] == r`.
    public func scatterAddRows(_ index: [Int], rows: Int) -> Tensor {
        precondition(rank >= 1 && shape[0] == index.count, "scatterAddRows: \(index.count) indices for \(shape)")
        precondition(index.allSatisfy { (0..<rows).contains($0) }, "scatterAddRows: index outside 0..<\(rows)")
        let width = index.isEmpty ? shape.dropFirst().reduce(1, *) : count / index.count
        let s = Storage(zeros: rows * width)
        let src = storage.pointer, dst = s.pointer
        for (i, r) in index.enumerated() {
            let o = dst + r * width, a = src + i * width
            for j in 0..<width { o[j] += a[j] }
        }
        return Tensor.result(.scatterAddRows(index, rows: rows), [self], shape: [rows] + shape.dropFirst(), storage: s)
    }
}
