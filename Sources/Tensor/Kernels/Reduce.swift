/// Sum or max of `src` over `axes`; returns the result for the keep-dims shape (reduced axes set to 1).
///
/// Axes are handled as runs of adjacent axes, last run first, each as an
/// `[outer, R, inner] -> [outer, inner]` reduction. Sums over a contiguous run
/// (`inner == 1`) accumulate in Double.
func reduceKernel(_ src: Tensor, axes: [Int], isMax: Bool) -> (Storage, [Int]) {
    var cur = src.shape
    var data: Storage = src.storage
    var runs: [(Int, Int)] = []
    for a in axes {
        if let last = runs.last, last.1 == a - 1 { runs[runs.count - 1].1 = a } else { runs.append((a, a)) }
    }
    if runs.isEmpty {
        let out = Storage(count: src.count)
        out.pointer.update(from: src.storage.pointer, count: src.count)
        return (out, cur)
    }
    for (lo, hi) in runs.reversed() {
        let outer = cur[0..<lo].reduce(1, *)
        let r = cur[lo...hi].reduce(1, *)
        let inner = cur[(hi + 1)...].reduce(1, *)
        let out = Storage(count: outer * inner)
        if isMax {
            maxRun(data.pointer, out.pointer, outer, r, inner)
        } else {
            sumRun(data.pointer, out.pointer, outer, r, inner)
        }
        for i in lo...hi { cur[i] = 1 }
        data = out
    }
    return (data, cur)
}

/// dst[o, i] = sum_r src[o, r, i].
func sumRun(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ outer: Int, _ r: Int, _ inner: Int) {
    if inner == 1 {
        if outer < TensorEngine.threads && r >= 1 << 17 {
            // few long runs: split each over the cores
            for o in 0..<outer {
                let parts = TensorEngine.threads
                var partial = [Double](repeating: 0, count: parts)
                partial.withUnsafeMutableBufferPointer { pp in
                    guard let base = pp.baseAddress else { return }
                    parallelRanges(parts, grain: 1) { pr in
                        for k in pr {
                            let lo = k * r / parts, hi = (k + 1) * r / parts
                            base[k] = sumContiguous(src + o * r + lo, hi - lo)
                        }
                    }
                }
                dst[o] = Float(partial.reduce(0, +))
            }
            return
        }
        parallelRanges(outer, grain: max(1, (1 << 17) / max(r, 1))) { range in
            for o in range { dst[o] = Float(sumContiguous(src + o * r, r)) }
        }
        return
    }
    let work = { (o: Int, lo: Int, hi: Int) in
        let d = dst + o * inner
        let s0 = src + o * r * inner
        for i in lo..<hi { d[i] = s0[i] }
        for k in 1..<max(r, 1) {
            let s = s0 + k * inner
            for i in lo..<hi { d[i] += s[i] }
        }
        if r == 0 { for i in lo..<hi { d[i] = 0 } }
    }
    if outer >= TensorEngine.threads {
        parallelRanges(outer, grain: max(1, (1 << 17) / max(r * inner, 1))) { range in
            for o in range { work(o, 0, inner) }
        }
    } else {
        for o in 0..<outer {
            parallelRanges(inner, grain: max(1024, (1 << 17) / max(r, 1))) { range in
                work(o, range.lowerBound, range.upperBound)
            }
        }
    }
}

/// Sum of `n` contiguous floats with Double accumulators.
@inline(__always)
func sumContiguous(_ p: UnsafePointer<Float>, _ n: Int) -> Double {
    var acc = SIMD8<Double>()
    var i = 0
    let raw = UnsafeRawPointer(p)
    while i + 8 <= n {
        let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
        acc += SIMD8<Double>(v)
        i += 8
    }
    var s = acc.sum()
    while i < n {
        s += Double(p[i])
        i += 1
    }
    return s
}

/// dst[o, i] = max_r src[o, r, i].
func maxRun(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ outer: Int, _ r: Int, _ inner: Int) {
    for o in 0..<outer {
        let d = dst + o * inner
        let s0 = src + o * r * inner
        for i in 0..<inner { d[i] = s0[i] }
        for k in 1..<max(r, 1) {
            let s = s0 + k * inner
            for i in 0..<inner where s[i] > d[i] || s[i] != s[i] { d[i] = s[i] }
        }
    }
}
