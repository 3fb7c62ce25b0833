/// Row-major strides of a shape.
func contiguousStrides(_ shape: [Int]) -> [Int] {
    var s = [Int](repeating: 1, count: shape.count)
    var acc = 1
    for i in stride(from: shape.count - 1, through: 0, by: -1) {
        s[i] = acc
        acc *= shape[i]
    }
    return s
}

/// NumPy broadcast of two shapes (right-aligned; extents must match or be 1).
func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int] {
    let r = max(a.count, b.count)
    var out = [Int](repeating: 1, count: r)
    for i in 0..<r {
        let x = i < r - a.count ? 1 : a[i - (r - a.count)]
        let y = i < r - b.count ? 1 : b[i - (r - b.count)]
        precondition(x == y || x == 1 || y == 1, "Tensor: cannot broadcast \(a) with \(b)")
        out[i] = x == 1 ? y : x
    }
    return out
}

/// Strides for reading a tensor of `shape` as if broadcast to `target` (0 on broadcast axes).
func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
    let own = contiguousStrides(shape)
    let off = target.count - shape.count
    return (0..<target.count).map { i in
        i < off ? 0 : (shape[i - off] == 1 && target[i] != 1 ? 0 : own[i - off])
    }
}

/// Merges adjacent axes that every operand walks contiguously, so loops run over fewer, longer axes.
func coalesce(_ shape: [Int], _ strides: [[Int]]) -> ([Int], [[Int]]) {
    var sh: [Int] = []
    var st: [[Int]] = strides.map { _ in [] }
    for i in 0..<shape.count where shape[i] != 1 {
        if let last = sh.last, strides.indices.allSatisfy({ k in st[k][st[k].count - 1] == strides[k][i] * shape[i] }) {
            sh[sh.count - 1] = last * shape[i]
            for k in strides.indices { st[k][st[k].count - 1] = strides[k][i] }
        } else {
            sh.append(shape[i])
            for k in strides.indices { st[k].append(strides[k][i]) }
        }
    }
    if sh.isEmpty { return ([1], strides.map { _ in [0] }) }
    return (sh, st)
}

/// Normalises possibly negative axes against a rank.
func normalizeAxes(_ axes: [Int], rank: Int) -> [Int] {
    Array(Set(axes.map { a -> Int in
        let x = a < 0 ? a + rank : a
        precondition(x >= 0 && x < rank, "Tensor: axis \(a) out of range for rank \(rank)")
        return x
    })).sorted()
}
