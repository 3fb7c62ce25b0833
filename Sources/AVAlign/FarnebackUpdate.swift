/// `cvFloor`: the largest integer not above `v`, by truncation and correction
/// (avoids a libm call per pixel). `v` must be finite and within Int range.
@inline(__always)
func floorInt(_ v: Float) -> Int {
    let t = Int(v)
    return Float(t) > v ? t - 1 : t
}

/// The per-iteration steps of OpenCV's Farneback (flags 0: box window).
enum FarnebackUpdate {
    /// Border attenuation of the update matrices in the outer 5 pixels of each side.
    static let border: [Float] = [0.14, 0.14, 0.4472, 0.4472, 0.4472]

    /// Builds the five-channel matrix field M for the current flow (OpenCV
    /// `FarnebackUpdateMatrices`). With R1 sampled bilinearly at `(x+dx, y+dy)` as S
    /// (when inside), `r4 = (R0.yy + S.yy)/2`, `r5 = (R0.xx + S.xx)/2`, `r6 = (R0.xy + S.xy)/4`,
    /// else `r2 = r3 = 0`, `r4 = R0.yy`, `r5 = R0.xx`, `r6 = R0.xy/2`; then
    /// `r2 = (R0.y - r2)/2 + (r4 dy + r6 dx)`, `r3 = (R0.x - r3)/2 + (r6 dy + r5 dx)`,
    /// and `M = [r4^2 + r6^2, (r4 + r5) r6, r5^2 + r6^2, r4 r2 + r6 r3, r6 r2 + r5 r3]`.
    static func matrices(r0: UnsafePointer<Float>, r1: UnsafePointer<Float>, flow: UnsafePointer<Float>,
                         m: UnsafeMutablePointer<Float>, width: Int, height: Int) {
        let bw = 5
        let border: SIMD8<Float> = [0.14, 0.14, 0.4472, 0.4472, 0.4472, 1, 1, 1]
        let step = width * 5
        // Lane factors of the sampled case, (R0 -/+ S) * k: y, x: minus, 1/2; yy, xx: plus, 1/2; xy: plus, 1/4.
        let kIn: SIMD8<Float> = [0.5, 0.5, 0.5, 0.5, 0.25, 0, 0, 0]
        let minusLanes: SIMDMask<SIMD8<Int32>> = SIMD8<Int32>(1, 1, 0, 0, 0, 0, 0, 0) .== 1
        // Outside: r2 = r3 = 0, so (R0.y, R0.x)/2, R0.yy, R0.xx, R0.xy/2.
        let kOut: SIMD8<Float> = [0.5, 0.5, 1, 1, 0.5, 0, 0, 0]

        /// Lanes (r2', r3', r4, r5, r6) of pixel x before the flow terms: r2' = (R0.y - S.y)/2 etc.
        @inline(__always)
        func sample(_ x: Int, _ y: Int, _ dx: Float, _ dy: Float, _ R0: UnsafePointer<Float>) -> SIMD8<Float> {
            var fx = Float(x) + dx, fy = Float(y) + dy
            let q0 = UnsafeRawPointer(R0 + x * 5).loadUnaligned(as: SIMD8<Float>.self)
            guard fx.isFinite && fy.isFinite && abs(fx) < 1e9 && abs(fy) < 1e9 else { return q0 * kOut }
            let x1 = floorInt(fx), y1 = floorInt(fy)
            guard x1 >= 0 && x1 < width - 1 && y1 >= 0 && y1 < height - 1 else { return q0 * kOut }
            fx -= Float(x1); fy -= Float(y1)
            // The five channels of the four neighbours, interpolated lane-wise in the same
            // order as OpenCV's scalar expression (R1 carries 8 floats of padding).
            let p = UnsafeRawPointer(r1 + y1 * step + x1 * 5)
            let a00 = (1 - fx) * (1 - fy), a01 = fx * (1 - fy)
            let a10 = (1 - fx) * fy, a11 = fx * fy
            let s = a00 * p.loadUnaligned(as: SIMD8<Float>.self)
                + a01 * p.loadUnaligned(fromByteOffset: 20, as: SIMD8<Float>.self)
                + a10 * p.loadUnaligned(fromByteOffset: step * 4, as: SIMD8<Float>.self)
                + a11 * p.loadUnaligned(fromByteOffset: step * 4 + 20, as: SIMD8<Float>.self)
            return (q0 + s).replacing(with: q0 - s, where: minusLanes) * kIn
        }

        for y in 0..<height {
            let frow = flow + y * width * 2
            let R0 = r0 + y * step
            let M = m + y * step
            let yScale: Float = (y < bw ? border[y] : 1)
            let yScale2: Float = (y >= height - bw ? border[height - y - 1] : 1)
            let yBorder = y < bw || y >= height - bw
            var x = 0
            // Four pixels at a time: per-pixel sampling, then the rest lane-wise across pixels.
            while x + 4 <= width {
                let fl = UnsafeRawPointer(frow + x * 2).loadUnaligned(as: SIMD8<Float>.self)
                let dxv = fl.evenHalf, dyv = fl.oddHalf
                let s0 = sample(x, y, dxv[0], dyv[0], R0), s1 = sample(x + 1, y, dxv[1], dyv[1], R0)
                let s2 = sample(x + 2, y, dxv[2], dyv[2], R0), s3 = sample(x + 3, y, dxv[3], dyv[3], R0)
                var r2 = SIMD4(s0[0], s1[0], s2[0], s3[0]), r3 = SIMD4(s0[1], s1[1], s2[1], s3[1])
                var r4 = SIMD4(s0[2], s1[2], s2[2], s3[2]), r5 = SIMD4(s0[3], s1[3], s2[3], s3[3])
                var r6 = SIMD4(s0[4], s1[4], s2[4], s3[4])
                r2 += r4 * dyv + r6 * dxv
                r3 += r6 * dyv + r5 * dxv
                if yBorder || x < bw || x + 3 >= width - bw {
                    var sc = SIMD4<Float>(repeating: 1)
                    for i in 0..<4 {
                        let xi = x + i
                        sc[i] = (xi < bw ? border[xi] : 1) * (xi >= width - bw ? border[width - xi - 1] : 1)
                            * yScale * yScale2
                    }
                    r2 *= sc; r3 *= sc; r4 *= sc; r5 *= sc; r6 *= sc
                }
                let m0 = r4 * r4 + r6 * r6, m1 = (r4 + r5) * r6, m2 = r5 * r5 + r6 * r6
                let m3 = r4 * r2 + r6 * r3, m4 = r6 * r2 + r5 * r3
                let out = M + x * 5
                for i in 0..<4 {
                    out[i * 5] = m0[i]; out[i * 5 + 1] = m1[i]; out[i * 5 + 2] = m2[i]
                    out[i * 5 + 3] = m3[i]; out[i * 5 + 4] = m4[i]
                }
                x += 4
            }
            while x < width {
                let dx = frow[x * 2], dy = frow[x * 2 + 1]
                let s = sample(x, y, dx, dy, R0)
                var r2 = s[0], r3 = s[1], r4 = s[2], r5 = s[3], r6 = s[4]
                r2 += r4 * dy + r6 * dx
                r3 += r6 * dy + r5 * dx
                if yBorder || x < bw || x >= width - bw {
                    let scale = (x < bw ? border[x] : 1) * (x >= width - bw ? border[width - x - 1] : 1)
                        * yScale * yScale2
                    r2 *= scale; r3 *= scale; r4 *= scale; r5 *= scale; r6 *= scale
                }
                M[x * 5] = r4 * r4 + r6 * r6
                M[x * 5 + 1] = (r4 + r5) * r6
                M[x * 5 + 2] = r5 * r5 + r6 * r6
                M[x * 5 + 3] = r4 * r2 + r6 * r3
                M[x * 5 + 4] = r6 * r2 + r5 * r3
                x += 1
            }
        }
    }

    /// Solves the flow from M (OpenCV `FarnebackUpdateFlow_Blur`): a `block`×`block` box
    /// mean of M with replicated borders as running sums in double, then
    /// `idet = 1/(g11 g22 - g12^2 + 1e-3)`, `dx = (g11 h2 - g12 h1) idet`,
    /// `dy = (g22 h1 - g12 h2) idet`.
    /// `vsumBuffer` holds `(width + block + 2) * 5` doubles, `sums` `width * 5`.
    static func flow(m mat: UnsafePointer<Float>, flow: UnsafeMutablePointer<Float>,
                     width: Int, height: Int, block: Int, vsumBuffer: UnsafeMutablePointer<Double>,
                     sums: UnsafeMutablePointer<Double>) {
        let m = block / 2
        let scale = 1.0 / Double(block * block)
        let w5 = width * 5
        let vsum = vsumBuffer + (m + 1) * 5
        let mp2 = Double(m + 2)
        var s0 = mat
        for x in 0..<w5 { vsum[x] = Double(s0[x] * Float(m + 2)) }  // float product, as in OpenCV
        if m > 1 {
            for y in 1..<m {
                s0 = mat + min(y, height - 1) * w5
                for x in 0..<w5 { vsum[x] += Double(s0[x]) }
            }
        }
        for y in 0..<height {
            let f = flow + y * width * 2
            let sr0 = mat + max(y - m - 1, 0) * w5
            let sr1 = mat + min(y + m, height - 1) * w5
            for x in 0..<w5 { vsum[x] += Double(sr1[x] - sr0[x]) }
            for x in 0..<((m + 1) * 5) {
                vsum[-1 - x] = vsum[4 - x]
                vsum[w5 + x] = vsum[w5 + x - 5]
            }
            var g11 = vsum[0] * mp2, g12 = vsum[1] * mp2, g22 = vsum[2] * mp2
            var h1 = vsum[3] * mp2, h2 = vsum[4] * mp2
            if m > 1 {
                for x in 1..<m {
                    g11 += vsum[x * 5]; g12 += vsum[x * 5 + 1]; g22 += vsum[x * 5 + 2]
                    h1 += vsum[x * 5 + 3]; h2 += vsum[x * 5 + 4]
                }
            }
            // Running box sums (serial, same additions as OpenCV), stored planar...
            for x in 0..<width {
                let a = (x + m) * 5, b = (x - m) * 5 - 5
                g11 += vsum[a] - vsum[b]
                g12 += vsum[a + 1] - vsum[b + 1]
                g22 += vsum[a + 2] - vsum[b + 2]
                h1 += vsum[a + 3] - vsum[b + 3]
                h2 += vsum[a + 4] - vsum[b + 4]
                sums[x] = g11; sums[width + x] = g12; sums[2 * width + x] = g22
                sums[3 * width + x] = h1; sums[4 * width + x] = h2
            }
            // ...then the 2x2 solves, two pixels per step (same IEEE operations per lane).
            let s11 = sums, s12 = sums + width, s22 = sums + 2 * width
            let sh1 = sums + 3 * width, sh2 = sums + 4 * width
            let sc = SIMD2<Double>(repeating: scale), eps = SIMD2<Double>(repeating: 1e-3)
            var x = 0
            while x + 2 <= width {
                let g11_ = SIMD2(s11[x], s11[x + 1]) * sc, g12_ = SIMD2(s12[x], s12[x + 1]) * sc
                let g22_ = SIMD2(s22[x], s22[x + 1]) * sc
                let h1_ = SIMD2(sh1[x], sh1[x + 1]) * sc, h2_ = SIMD2(sh2[x], sh2[x + 1]) * sc
                let idet = 1.0 / (g11_ * g22_ - g12_ * g12_ + eps)
                let fx = (g11_ * h2_ - g12_ * h1_) * idet
                let fy = (g22_ * h1_ - g12_ * h2_) * idet
                f[x * 2] = Float(fx[0]); f[x * 2 + 1] = Float(fy[0])
                f[x * 2 + 2] = Float(fx[1]); f[x * 2 + 3] = Float(fy[1])
                x += 2
            }
            while x < width {
                let g11_ = s11[x] * scale, g12_ = s12[x] * scale, g22_ = s22[x] * scale
                let h1_ = sh1[x] * scale, h2_ = sh2[x] * scale
                let idet = 1.0 / (g11_ * g22_ - g12_ * g12_ + 1e-3)
                f[x * 2] = Float((g11_ * h2_ - g12_ * h1_) * idet)
                f[x * 2 + 1] = Float((g22_ * h1_ - g12_ * h2_) * idet)
                x += 1
            }
        }
    }
}
