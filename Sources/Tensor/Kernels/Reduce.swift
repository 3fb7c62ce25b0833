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

/// sum(a ⊙ b) over sorted `axes` (keep-dims shape): the last run of adjacent axes is reduced
/// straight from the two inputs, any earlier runs by `reduceKernel`.
func mulSumKernel(_ a: Tensor, _ b: Tensor, axes: [Int]) -> (Storage, [Int]) {
    guard let hi = axes.last else {
        let out = Storage(count: a.count)
        mapBinaryInto(MulF.self, a.storage.pointer, b.storage.pointer, out.pointer, a.count)
        return (out, a.shape)
    }
    var lo = hi
    while let p = axes.firstIndex(of: lo), p > 0, axes[p - 1] == lo - 1 { lo -= 1 }
    let outer = a.shape[0..<lo].reduce(1, *)
    let r = a.shape[lo...hi].reduce(1, *)
    let inner = a.shape[(hi + 1)...].reduce(1, *)
    let out = Storage(count: outer * inner)
    let pa = UnsafePointer(a.storage.pointer), pb = UnsafePointer(b.storage.pointer), po = out.pointer
    if inner == 1 {
        parallelRanges(outer, grain: max(1, (1 << 17) / max(r, 1))) { range in
            for o in range { po[o] = Float(dotContiguous(pa + o * r, pb + o * r, r)) }
        }
    } else {
        let work = { (o: Int, lo: Int, hi: Int) in
            let d = po + o * inner
            for i in lo..<hi { d[i] = 0 }
            for k in 0..<r {
                let xa = pa + (o * r + k) * inner, xb = pb + (o * r + k) * inner
                for i in lo..<hi { d[i] += xa[i] * xb[i] }
            }
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
    var kept = a.shape
    for i in lo...hi { kept[i] = 1 }
    let rest = axes.filter { $0 < lo }
    if rest.isEmpty { return (out, kept) }
    return reduceKernel(Tensor(shape: kept, storage: out), axes: rest, isMax: false)
}

/// Dot product of `n` contiguous float pairs with Double accumulators.
@inline(__always)
func dotContiguous(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Double {
    var acc = SIMD8<Double>()
    var i = 0
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    while i + 8 <= n {
        let va = ra.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
        let vb = rb.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
        acc += SIMD8<Double>(va * vb)
        i += 8
    }
    var s = acc.sum()
    while i < n {
        s += Double(a[i] * b[i])
        i += 1
    }
    return s
}
