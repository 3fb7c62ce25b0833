/// 3×3, stride-1, padding-1 2-D convolution by Winograd's minimal filtering F(2×2, 3×3)
/// (Lavin & Gray 2016), for inference.
///
/// Each 2×2 output tile is Aᵀ [Σ_c (G g_c Gᵀ) ⊙ (Bᵀ d_c B)] A with d_c the 4×4 input patch of
/// channel c: the channel sum for each of the 16 tile positions ξ is one matrix product
/// M_ξ = U_ξ V_ξ (U_ξ `[Co, Ci]` from the weights, V_ξ `[Ci, tiles]` from the input), so the products
/// use 16 multiplies per 4 outputs instead of 36 (2.25 times fewer than im2col + sgemm).
/// Bᵀ = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1], G = [1 0 0; ½ ½ ½; ½ -½ ½; 0 0 1],
/// Aᵀ = [1 1 1 0; 0 1 -1 -1]; this computes the cross-correlation PyTorch's conv computes.
/// Returns y `[B, Co, H, W]` with `bias` added, samples split over the cores.
func winogradConv3x3Kernel(_ x: Tensor, _ w: Tensor, bias: Tensor?) -> (Storage, [Int]) {
    KernelCounters.shared.record("winograd")
    let batch = x.shape[0], cin = x.shape[1], h = x.shape[2], wd = x.shape[3], cout = w.shape[0]
    precondition(x.rank == 4 && w.shape == [cout, cin, 3, 3], "winograd: input \(x.shape) weight \(w.shape)")
    let th = (h + 1) / 2, tw = (wd + 1) / 2, tiles = th * tw
    let hp = 2 * th + 2, wp = 2 * tw + 2
    let u = winogradWeights(w.storage.pointer, cout: cout, cin: cin)
    let y = Storage(count: batch * cout * h * wd)
    let px = x.storage.pointer, pu = UnsafePointer(u.pointer), py = y.pointer
    let pb = bias.map { UnsafePointer($0.storage.pointer) }
    // tiles per chunk: V and M near 8 MB each (smaller chunks measured slower: more repacking in sgemm)
    let chunk = Swift.max(16, Swift.min(tiles, (1 << 17) / Swift.max(cin, cout)))
    forEachSampleRange(batch) { samples, solo in
        let gemm = solo ? sgemmParallel : sgemm
        let padded = Storage(count: cin * hp * wp)
        let v = Storage(count: 16 * cin * chunk), m = Storage(count: 16 * cout * chunk)
        for b in samples {
            // zero-padded copy: xp[c, r, s] = x[c, r - 1, s - 1]
            let xp = padded.pointer
            xp.update(repeating: 0, count: cin * hp * wp)
            let xb = px + b * cin * h * wd
            for c in 0..<cin { for r in 0..<h {
                (xp + (c * hp + r + 1) * wp + 1).update(from: xb + (c * h + r) * wd, count: wd)
            } }
            var t0 = 0
            while t0 < tiles {
                let n = Swift.min(chunk, tiles - t0)
                winogradInput(xp, cin: cin, hp: hp, wp: wp, tw: tw, t0: t0, n: n, into: v.pointer, stride: chunk)
                for xi in 0..<16 {
                    gemm(false, false, cout, n, cin, 1, pu + xi * cout * cin, cin, v.pointer + xi * cin * chunk, chunk,
                         0, m.pointer + xi * cout * chunk, chunk)
                }
                winogradOutput(m.pointer, cout: cout, stride: chunk, tw: tw, t0: t0, n: n, h: h, w: wd, bias: pb,
                               into: py + b * cout * h * wd)
                t0 += n
            }
        }
    }
    return (y, [batch, cout, h, wd])
}

/// U[ξ][o][c] = (G g Gᵀ)[ξ] for each 3×3 filter g = w[o, c].
private func winogradWeights(_ w: UnsafePointer<Float>, cout: Int, cin: Int) -> Storage {
    let u = Storage(count: 16 * cout * cin)
    let pu = u.pointer, plane = cout * cin
    for o in 0..<cout { for c in 0..<cin {
        let g = w + (o * cin + c) * 9
        // t = G g (4×3)
        var t = [Float](repeating: 0, count: 12)
        for j in 0..<3 {
            let g0 = g[j], g1 = g[3 + j], g2 = g[6 + j]
            t[j] = g0
            t[3 + j] = 0.5 * (g0 + g1 + g2)
            t[6 + j] = 0.5 * (g0 - g1 + g2)
            t[9 + j] = g2
        }
        // U = t Gᵀ (4×4)
        for i in 0..<4 {
            let a0 = t[3 * i], a1 = t[3 * i + 1], a2 = t[3 * i + 2]
            let row = [a0, 0.5 * (a0 + a1 + a2), 0.5 * (a0 - a1 + a2), a2]
            for j in 0..<4 { pu[(i * 4 + j) * plane + o * cin + c] = row[j] }
        }
    } }
    return u
}

/// V[ξ][c][t - t0] = (Bᵀ d B)[ξ] for tiles t0..<t0+n of every channel of the padded input;
/// eight tiles of a tile row at a time in SIMD (even and odd columns of two 16-wide loads per row).
private func winogradInput(_ xp: UnsafePointer<Float>, cin: Int, hp: Int, wp: Int, tw: Int, t0: Int, n: Int,
                           into v: UnsafeMutablePointer<Float>, stride: Int) {
    let plane = cin * stride
    for c in 0..<cin {
        let xc = xp + c * hp * wp
        var k = 0
        while k < n {
            let t = t0 + k, ti = t / tw, tj = t - ti * tw
            let base = xc + 2 * ti * wp + 2 * tj
            let o = v + c * stride + k
            if k + 8 <= n && tj + 8 <= tw {
                // row r of the eight patches: columns 2j, 2j+1, 2j+2, 2j+3 for j = 0..<8
                func cols(_ r: Int) -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
                    let a = UnsafeRawPointer(base + r * wp).loadUnaligned(as: SIMD16<Float>.self)
                    let b = UnsafeRawPointer(base + r * wp + 2).loadUnaligned(as: SIMD16<Float>.self)
                    return (a.evenHalf, a.oddHalf, b.evenHalf, b.oddHalf)
                }
                let d0 = cols(0), d1 = cols(1), d2 = cols(2), d3 = cols(3)
                winogradRowTimesB8((d0.0 - d2.0, d0.1 - d2.1, d0.2 - d2.2, d0.3 - d2.3), o, plane)
                winogradRowTimesB8((d1.0 + d2.0, d1.1 + d2.1, d1.2 + d2.2, d1.3 + d2.3), o + 4 * plane, plane)
                winogradRowTimesB8((d2.0 - d1.0, d2.1 - d1.1, d2.2 - d1.2, d2.3 - d1.3), o + 8 * plane, plane)
                winogradRowTimesB8((d1.0 - d3.0, d1.1 - d3.1, d1.2 - d3.2, d1.3 - d3.3), o + 12 * plane, plane)
                k += 8
                continue
            }
            // rows of Bᵀ d, then each row times B
            let d0 = SIMD4<Float>(base[0], base[1], base[2], base[3])
            let d1 = SIMD4<Float>(base[wp], base[wp + 1], base[wp + 2], base[wp + 3])
            let d2 = SIMD4<Float>(base[2 * wp], base[2 * wp + 1], base[2 * wp + 2], base[2 * wp + 3])
            let d3 = SIMD4<Float>(base[3 * wp], base[3 * wp + 1], base[3 * wp + 2], base[3 * wp + 3])
            winogradRowTimesB(d0 - d2, o, plane)
            winogradRowTimesB(d1 + d2, o + 4 * plane, plane)
            winogradRowTimesB(d2 - d1, o + 8 * plane, plane)
            winogradRowTimesB(d1 - d3, o + 12 * plane, plane)
            k += 1
        }
    }
}

/// Eight tiles' row · B: each of the four results is eight contiguous values.
@inline(__always)
private func winogradRowTimesB8(_ r: (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>),
                                _ o: UnsafeMutablePointer<Float>, _ plane: Int) {
    UnsafeMutableRawPointer(o).storeBytes(of: r.0 - r.2, as: SIMD8<Float>.self)
    UnsafeMutableRawPointer(o + plane).storeBytes(of: r.1 + r.2, as: SIMD8<Float>.self)
    UnsafeMutableRawPointer(o + 2 * plane).storeBytes(of: r.2 - r.1, as: SIMD8<Float>.self)
    UnsafeMutableRawPointer(o + 3 * plane).storeBytes(of: r.1 - r.3, as: SIMD8<Float>.self)
}

/// Writes row · B (four values) at `o`, `o + plane`, `o + 2 plane`, `o + 3 plane`.
@inline(__always)
private func winogradRowTimesB(_ r: SIMD4<Float>, _ o: UnsafeMutablePointer<Float>, _ plane: Int) {
    o[0] = r[0] - r[2]
    o[plane] = r[1] + r[2]
    o[2 * plane] = r[2] - r[1]
    o[3 * plane] = r[1] - r[3]
}

/// y[o, 2ti + a, 2tj + b] = (Aᵀ m A)[a, b] + bias[o] for tiles t0..<t0+n, clipped to H×W;
/// eight tiles of a tile row at a time in SIMD where their 16 columns and 2 rows lie inside.
private func winogradOutput(_ m: UnsafePointer<Float>, cout: Int, stride: Int, tw: Int, t0: Int, n: Int, h: Int, w: Int,
                            bias: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>) {
    let plane = cout * stride
    for o in 0..<cout {
        let bo = bias?[o] ?? 0
        let yo = y + o * h * w
        var k = 0
        while k < n {
            let src = m + o * stride + k
            let t = t0 + k, ti = t / tw, tj = t - ti * tw
            let r = 2 * ti, col = 2 * tj
            if k + 8 <= n && tj + 8 <= tw && col + 16 <= w && r + 1 < h {
                func q(_ xi: Int) -> SIMD8<Float> { UnsafeRawPointer(src + xi * plane).loadUnaligned(as: SIMD8<Float>.self) }
                let s0 = (q(0) + q(4) + q(8), q(1) + q(5) + q(9), q(2) + q(6) + q(10), q(3) + q(7) + q(11))
                let s1 = (q(4) - q(8) - q(12), q(5) - q(9) - q(13), q(6) - q(10) - q(14), q(7) - q(11) - q(15))
                let b8 = SIMD8<Float>(repeating: bo)
                let y00 = s0.0 + s0.1 + s0.2 + b8, y01 = s0.1 - s0.2 - s0.3 + b8
                let y10 = s1.0 + s1.1 + s1.2 + b8, y11 = s1.1 - s1.2 - s1.3 + b8
                var top = SIMD16<Float>(), bottom = SIMD16<Float>()
                for j in 0..<8 {
                    top[2 * j] = y00[j]; top[2 * j + 1] = y01[j]
                    bottom[2 * j] = y10[j]; bottom[2 * j + 1] = y11[j]
                }
                UnsafeMutableRawPointer(yo + r * w + col).storeBytes(of: top, as: SIMD16<Float>.self)
                UnsafeMutableRawPointer(yo + (r + 1) * w + col).storeBytes(of: bottom, as: SIMD16<Float>.self)
                k += 8
                continue
            }
            func row(_ i: Int) -> SIMD4<Float> {
                SIMD4(src[(4 * i) * plane], src[(4 * i + 1) * plane], src[(4 * i + 2) * plane], src[(4 * i + 3) * plane])
            }
            let q0 = row(0), q1 = row(1), q2 = row(2), q3 = row(3)
            // Aᵀ q (two rows), then each times A
            let s0 = q0 + q1 + q2, s1 = q1 - q2 - q3
            let y00 = s0[0] + s0[1] + s0[2] + bo, y01 = s0[1] - s0[2] - s0[3] + bo
            let y10 = s1[0] + s1[1] + s1[2] + bo, y11 = s1[1] - s1[2] - s1[3] + bo
            yo[r * w + col] = y00
            if col + 1 < w { yo[r * w + col + 1] = y01 }
            if r + 1 < h {
                yo[(r + 1) * w + col] = y10
                if col + 1 < w { yo[(r + 1) * w + col + 1] = y11 }
            }
            k += 1
        }
    }
}
