/// Splits samples `0..<batch` over the cores: `body(samples, solo)` runs once per worker with a
/// contiguous range; `solo` is true when one worker has all samples, so the work inside may split itself.
func forEachSampleRange(_ batch: Int, _ body: (Range<Int>, Bool) -> Void) {
    let parts = min(TensorEngine.threads, batch)
    if parts < 2 {
        body(0..<batch, true)
        return
    }
    parallelRanges(parts, grain: 1) { pr in
        for p in pr { body((p * batch / parts)..<((p + 1) * batch / parts), false) }
    }
}

/// Calls `body(r0, r1)` for each chunk of output rows (see `ConvPlan.rowsPerChunk`).
@inline(__always)
func forEachChunk(_ pl: ConvPlan, _ body: (Int, Int) -> Void) {
    let rows = pl.rowsPerChunk, total = pl.o[0] * pl.o[1]
    var r0 = 0
    while r0 < total {
        let r1 = min(r0 + rows, total)
        body(r0, r1)
        r0 = r1
    }
}

/// Shift decomposition along `axis`: for each kernel tap q, output positions `lo..<hi` read input
/// positions `lo + off ..< hi + off` (off = q·d - p); `inner` is the number of elements per position.
struct ShiftTaps {
    let taps: [(q: Int, off: Int, lo: Int, hi: Int)]
    let inner: Int

    init(_ pl: ConvPlan, axis a: Int) {
        inner = (a + 1..<3).reduce(1) { $0 * pl.i[$1] }
        taps = (0..<pl.k[a]).map { q in
            let off = q * pl.d[a] - pl.p[a]
            let lo = Swift.max(0, -off), hi = Swift.min(pl.o[a], pl.i[a] - off)
            return (q, off, lo, Swift.max(lo, hi))
        }
    }
}

/// Weight taps repacked `[k][Co][Ci]` (from `[Co, Ci, k]`), so each tap is a plain matrix.
func packTaps(_ w: UnsafePointer<Float>, cout: Int, cin: Int, k: Int) -> Storage {
    let t = Storage(count: k * cout * cin)
    for o in 0..<cout { for c in 0..<cin { for q in 0..<k { t.pointer[(q * cout + o) * cin + c] = w[(o * cin + c) * k + q] } } }
    return t
}

/// y = conv(x, w): x `[B, Ci, in...]`, w `[Co, Ci, k...]` -> `[B, Co, out...]`.
///
/// Per sample: y_b = W · im2col(x_b), by chunks of output rows; samples split over the cores.
func convForwardKernel(_ x: Tensor, _ w: Tensor, _ g: ConvGeometry) -> (Storage, [Int]) {
    KernelCounters.shared.record("conv")
    let sp = g.spatialRank
    precondition(x.rank == sp + 2 && w.rank == sp + 2 && x.shape[1] == w.shape[1]
                 && Array(w.shape.suffix(sp)) == g.kernel, "conv: input \(x.shape) weight \(w.shape) kernel \(g.kernel)")
    let pl = ConvPlan(g, batch: x.shape[0], cin: x.shape[1], cout: w.shape[0], input: Array(x.shape.suffix(sp)))
    let y = Storage(count: pl.batch * pl.cout * pl.outCount)
    let l = pl.outCount, li = pl.inCount, kc = pl.colRows
    let px = x.storage.pointer, pw = w.storage.pointer, py = y.pointer
    let shift = pl.pointwise ? nil : pl.shiftAxis.map { ShiftTaps(pl, axis: $0) }
    let taps = shift.map { _ in packTaps(pw, cout: pl.cout, cin: pl.cin, k: pl.kernelCount) }
    forEachSampleRange(pl.batch) { samples, solo in
        let gemm = solo ? sgemmParallel : sgemm
        if pl.pointwise {
            for b in samples {
                gemm(false, false, pl.cout, l, pl.cin, 1, pw, pl.cin, px + b * pl.cin * li, l, 0, py + b * pl.cout * l, l)
            }
            return
        }
        if let shift, let taps {
            // y_b[:, o] = sum_q W_q x_b[:, o + off_q]: one product per tap over its valid range
            for b in samples {
                (py + b * pl.cout * l).update(repeating: 0, count: pl.cout * l)
                for t in shift.taps where t.hi > t.lo {
                    gemm(false, false, pl.cout, (t.hi - t.lo) * shift.inner, pl.cin, 1, taps.pointer + t.q * pl.cout * pl.cin, pl.cin,
                         px + b * pl.cin * li + (t.lo + t.off) * shift.inner, li, 1, py + b * pl.cout * l + t.lo * shift.inner, l)
                }
            }
            return
        }
        let cols = Storage(count: kc * pl.rowsPerChunk * pl.o[2])
        for b in samples {
            forEachChunk(pl) { r0, r1 in
                let ncol = (r1 - r0) * pl.o[2]
                im2col(px + b * pl.cin * li, pl, r0, r1, cols.pointer, parallel: solo)
                gemm(false, false, pl.cout, ncol, kc, 1, pw, kc, cols.pointer, ncol, 0, py + b * pl.cout * l + r0 * pl.o[2], l)
            }
        }
    }
    return (y, [pl.batch, pl.cout] + Array(pl.o.suffix(sp)))
}

/// dx = conv_transpose(g, w): the adjoint of `conv(., w)` applied to g `[B, Co, out...]` -> `[B, Ci, in...]`.
///
/// Per sample: dx_b = col2im(Wᵀ · g_b), by chunks of output rows; samples split over the cores.
func convDataKernel(_ gy: Tensor, _ w: Tensor, _ g: ConvGeometry, inputSize: [Int]) -> (Storage, [Int]) {
    KernelCounters.shared.record("convData")
    let sp = g.spatialRank
    let pl = ConvPlan(g, batch: gy.shape[0], cin: w.shape[1], cout: w.shape[0], input: inputSize)
    precondition(gy.shape == [pl.batch, pl.cout] + Array(pl.o.suffix(sp)), "convData: grad \(gy.shape) weight \(w.shape)")
    let l = pl.outCount, li = pl.inCount, kc = pl.colRows
    let dx = Storage(count: pl.batch * pl.cin * li)
    let pg = gy.storage.pointer, pw = w.storage.pointer, pd = dx.pointer
    let shift = pl.pointwise ? nil : pl.shiftAxis.map { ShiftTaps(pl, axis: $0) }
    let taps = shift.map { _ in packTaps(pw, cout: pl.cout, cin: pl.cin, k: pl.kernelCount) }
    forEachSampleRange(pl.batch) { samples, solo in
        let gemm = solo ? sgemmParallel : sgemm
        if pl.pointwise {
            for b in samples {
                gemm(true, false, pl.cin, l, pl.cout, 1, pw, pl.cin, pg + b * pl.cout * l, l, 0, pd + b * pl.cin * li, li)
            }
            return
        }
        if let shift, let taps {
            // dx_b[:, o + off_q] += W_qᵀ g_b[:, o]
            for b in samples {
                (pd + b * pl.cin * li).update(repeating: 0, count: pl.cin * li)
                for t in shift.taps where t.hi > t.lo {
                    gemm(true, false, pl.cin, (t.hi - t.lo) * shift.inner, pl.cout, 1, taps.pointer + t.q * pl.cout * pl.cin, pl.cin,
                         pg + b * pl.cout * l + t.lo * shift.inner, l, 1, pd + b * pl.cin * li + (t.lo + t.off) * shift.inner, li)
                }
            }
            return
        }
        (pd + samples.lowerBound * pl.cin * li).update(repeating: 0, count: samples.count * pl.cin * li)
        let cols = Storage(count: kc * pl.rowsPerChunk * pl.o[2])
        for b in samples {
            forEachChunk(pl) { r0, r1 in
                let ncol = (r1 - r0) * pl.o[2]
                gemm(true, false, kc, ncol, pl.cout, 1, pw, kc, pg + b * pl.cout * l + r0 * pl.o[2], l, 0, cols.pointer, ncol)
                col2imAdd(cols.pointer, pl, r0, r1, pd + b * pl.cin * li, parallel: solo)
            }
        }
    }
    return (dx, [pl.batch, pl.cin] + inputSize)
}

/// dw = sum over batch and positions of g ⊗ columns(x): the weight-adjoint of conv -> `[Co, Ci, k...]`.
///
/// Each worker accumulates its samples' g_b · im2col(x_b)ᵀ into its own buffer; the buffers are summed.
func convWeightKernel(_ x: Tensor, _ gy: Tensor, _ g: ConvGeometry) -> (Storage, [Int]) {
    KernelCounters.shared.record("convWeight")
    let sp = g.spatialRank
    let pl = ConvPlan(g, batch: x.shape[0], cin: x.shape[1], cout: gy.shape[1], input: Array(x.shape.suffix(sp)))
    precondition(gy.shape == [pl.batch, pl.cout] + Array(pl.o.suffix(sp)), "convWeight: grad \(gy.shape) input \(x.shape)")
    let l = pl.outCount, li = pl.inCount, kc = pl.colRows
    let wc = pl.cout * kc
    let parts = min(TensorEngine.threads, pl.batch)
    let acc = Storage(zeros: wc * Swift.max(parts, 1))
    let px = x.storage.pointer, pg = gy.storage.pointer, pa = acc.pointer
    let shift = pl.pointwise ? nil : pl.shiftAxis.map { ShiftTaps(pl, axis: $0) }
    forEachSampleRange(pl.batch) { samples, solo in
        let gemm = solo ? sgemmParallel : sgemm
        // worker index from its first sample (ranges are p * batch / parts ..< ...)
        let part = parts < 2 ? 0 : (0..<parts).first { $0 * pl.batch / parts == samples.lowerBound } ?? 0
        let dw = pa + part * wc
        if pl.pointwise {
            for b in samples {
                gemm(false, true, pl.cout, pl.cin, l, 1, pg + b * pl.cout * l, l, px + b * pl.cin * li, li, 1, dw, pl.cin)
            }
            return
        }
        if let shift {
            // dW_q += g_b[:, lo..<hi] x_b[:, lo + off ..< hi + off]ᵀ, accumulated per tap, then unpacked
            let tapAcc = Storage(zeros: pl.kernelCount * pl.cout * pl.cin)
            for b in samples {
                for t in shift.taps where t.hi > t.lo {
                    gemm(false, true, pl.cout, pl.cin, (t.hi - t.lo) * shift.inner, 1, pg + b * pl.cout * l + t.lo * shift.inner, l,
                         px + b * pl.cin * li + (t.lo + t.off) * shift.inner, li, 1, tapAcc.pointer + t.q * pl.cout * pl.cin, pl.cin)
                }
            }
            let k = pl.kernelCount
            for o in 0..<pl.cout { for c in 0..<pl.cin { for q in 0..<k {
                dw[(o * pl.cin + c) * k + q] += tapAcc.pointer[(q * pl.cout + o) * pl.cin + c]
            } } }
            return
        }
        let cols = Storage(count: kc * pl.rowsPerChunk * pl.o[2])
        for b in samples {
            forEachChunk(pl) { r0, r1 in
                let ncol = (r1 - r0) * pl.o[2]
                im2col(px + b * pl.cin * li, pl, r0, r1, cols.pointer, parallel: solo)
                gemm(false, true, pl.cout, kc, ncol, 1, pg + b * pl.cout * l + r0 * pl.o[2], l, cols.pointer, ncol, 1, dw, kc)
            }
        }
    }
    if parts < 2 { return (acc, [pl.cout, pl.cin] + g.kernel) }
    let dw = Storage(count: wc)
    dw.pointer.update(from: pa, count: wc)
    for p in 1..<parts { for i in 0..<wc { dw.pointer[i] += pa[p * wc + i] } }
    return (dw, [pl.cout, pl.cin] + g.kernel)
}
