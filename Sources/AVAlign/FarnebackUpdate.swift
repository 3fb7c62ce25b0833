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
        for y in 0..<height {
            let frow = flow + y * width * 2
            let R0 = r0 + y * step
            let M = m + y * step
            let yScale: Float = (y < bw ? border[y] : 1)
            let yScale2: Float = (y >= height - bw ? border[height - y - 1] : 1)
            let yBorder = y < bw || y >= height - bw
            for x in 0..<width {
                let dx = frow[x * 2], dy = frow[x * 2 + 1]
                var fx = Float(x) + dx, fy = Float(y) + dy
                let x1 = floorInt(fx), y1 = floorInt(fy)
                var r2: Float, r3: Float, r4: Float, r5: Float, r6: Float
                fx -= Float(x1); fy -= Float(y1)
                if x1 >= 0 && x1 < width - 1 && y1 >= 0 && y1 < height - 1 {
                    // The five channels of the four neighbours, interpolated lane-wise in the
                    // same order as the scalar expression (R1 carries 8 floats of padding).
                    let p = UnsafeRawPointer(r1 + y1 * step + x1 * 5)
                    let a00 = (1 - fx) * (1 - fy), a01 = fx * (1 - fy)
                    let a10 = (1 - fx) * fy, a11 = fx * fy
                    let q00 = p.loadUnaligned(as: SIMD8<Float>.self)
                    let q01 = p.loadUnaligned(fromByteOffset: 20, as: SIMD8<Float>.self)
                    let q10 = p.loadUnaligned(fromByteOffset: step * 4, as: SIMD8<Float>.self)
                    let q11 = p.loadUnaligned(fromByteOffset: step * 4 + 20, as: SIMD8<Float>.self)
                    let r = a00 * q00 + a01 * q01 + a10 * q10 + a11 * q11
                    r2 = r[0]; r3 = r[1]
                    r4 = (R0[x * 5 + 2] + r[2]) * 0.5
                    r5 = (R0[x * 5 + 3] + r[3]) * 0.5
                    r6 = (R0[x * 5 + 4] + r[4]) * 0.25
                } else {
                    r2 = 0; r3 = 0
                    r4 = R0[x * 5 + 2]
                    r5 = R0[x * 5 + 3]
                    r6 = R0[x * 5 + 4] * 0.5
                }
                r2 = (R0[x * 5] - r2) * 0.5
                r3 = (R0[x * 5 + 1] - r3) * 0.5
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
            }
        }
    }

    /// Solves the flow from M (OpenCV `FarnebackUpdateFlow_Blur`): a `block`×`block` box
    /// mean of M with replicated borders as running sums in double, then
    /// `idet = 1/(g11 g22 - g12^2 + 1e-3)`, `dx = (g11 h2 - g12 h1) idet`,
    /// `dy = (g22 h1 - g12 h2) idet`.
    static func flow(m mat: UnsafePointer<Float>, flow: UnsafeMutablePointer<Float>,
                     width: Int, height: Int, block: Int, vsumBuffer: UnsafeMutablePointer<Double>) {
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
            for x in 0..<width {
                let a = (x + m) * 5, b = (x - m) * 5 - 5
                g11 += vsum[a] - vsum[b]
                g12 += vsum[a + 1] - vsum[b + 1]
                g22 += vsum[a + 2] - vsum[b + 2]
                h1 += vsum[a + 3] - vsum[b + 3]
                h2 += vsum[a + 4] - vsum[b + 4]
                let g11_ = g11 * scale, g12_ = g12 * scale, g22_ = g22 * scale
                let h1_ = h1 * scale, h2_ = h2 * scale
                let idet = 1.0 / (g11_ * g22_ - g12_ * g12_ + 1e-3)
                f[x * 2] = Float((g11_ * h2_ - g12_ * h1_) * idet)
                f[x * 2 + 1] = Float((g22_ * h1_ - g12_ * h2_) * idet)
            }
        }
    }
}
