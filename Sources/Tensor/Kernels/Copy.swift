/// Copies a strided view of `shape` from `src` into `dst` (each with its own element strides).
///
/// Used by permute, slice, pad, concat and expand. Adjacent axes are merged first, then the
/// last axis is the inner loop.
func stridedCopy(_ src: UnsafePointer<Float>, _ srcStrides: [Int],
                 _ dst: UnsafeMutablePointer<Float>, _ dstStrides: [Int], shape: [Int]) {
    let n = shape.reduce(1, *)
    if n == 0 { return }
    let (sh, st) = coalesce(shape, [srcStrides, dstStrides])
    let rank = sh.count
    let inner = sh[rank - 1]
    let si = st[0][rank - 1], di = st[1][rank - 1]
    let ss = st[0], ds = st[1]
    let outer = n / inner
    parallelRanges(outer, grain: max(1, (1 << 17) / inner)) { r in
        var idx = [Int](repeating: 0, count: rank)
        var rem = r.lowerBound
        var offS = 0, offD = 0
        for d in stride(from: rank - 2, through: 0, by: -1) {
            idx[d] = rem % sh[d]
            rem /= sh[d]
            offS += idx[d] * ss[d]
            offD += idx[d] * ds[d]
        }
        for _ in r {
            let s = src + offS, d = dst + offD
            if si == 1 && di == 1 {
                d.update(from: s, count: inner)
            } else if si == 0 {
                let v = s[0]
                for i in 0..<inner { d[i * di] = v }
            } else {
                for i in 0..<inner { d[i * di] = s[i * si] }
            }
            var k = rank - 2
            while k >= 0 {
                idx[k] += 1
                offS += ss[k]
                offD += ds[k]
                if idx[k] < sh[k] { break }
                offS -= ss[k] * sh[k]
                offD -= ds[k] * sh[k]
                idx[k] = 0
                k -= 1
            }
        }
    }
}
