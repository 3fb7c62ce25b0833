import Foundation

/// Farneback's polynomial expansion (OpenCV `FarnebackPolyExp`, n = 5, sigma = 1.2):
/// each pixel's neighbourhood is fitted by `r1 + r2 x + r3 y + r4 x^2 + r5 y^2 + r6 xy`
/// under a Gaussian applicability; the result keeps five channels per pixel in the
/// order (y, x, yy, xx, xy).
struct PolyExpansion: Sendable {
    let n: Int
    /// Applicability `g[x] = exp(-x^2 / (2 sigma^2))`, normalised, float32, x = -n...n.
    let g: [Float]
    /// `x * g[x]`.
    let xg: [Float]
    /// `x^2 * g[x]`.
    let xxg: [Float]
    /// Entries of the inverse moment matrix used by the solution.
    let ig11: Double, ig03: Double, ig33: Double, ig55: Double

    /// The reference configuration: n = 5, sigma = 1.2.
    static let reference = PolyExpansion(n: 5, sigma: 1.2)

    init(n: Int, sigma: Double) {
        self.n = n
        let sigma = sigma < Double(Float.ulpOfOne) ? Double(n) * 0.3 : sigma
        var g = [Float](repeating: 0, count: 2 * n + 1)
        var s = 0.0
        for x in -n...n {
            let v = Float(exp(Double(-x * x) / (2 * sigma * sigma)))
            g[x + n] = v
            s += Double(v)
        }
        s = 1 / s
        var xg = g, xxg = g
        for x in -n...n {
            g[x + n] = Float(Double(g[x + n]) * s)
            xg[x + n] = Float(x) * g[x + n]
            xxg[x + n] = Float(x * x) * g[x + n]
        }
        // Moment matrix G (6x6) of the basis (1, x, y, x^2, y^2, xy) under g(y) g(x).
        var G = [[Double]](repeating: [Double](repeating: 0, count: 6), count: 6)
        for y in -n...n {
            for x in -n...n {
                let gy = g[y + n], gx = g[x + n]
                // float products, accumulated in double, as OpenCV's expression types give.
                let p = gy * gx
                G[0][0] += Double(p)
                G[1][1] += Double(p * Float(x) * Float(x))
                G[3][3] += Double(p * Float(x) * Float(x) * Float(x) * Float(x))
                G[5][5] += Double(p * Float(x) * Float(x) * Float(y) * Float(y))
            }
        }
        G[2][2] = G[1][1]; G[0][3] = G[1][1]; G[0][4] = G[1][1]; G[3][0] = G[1][1]; G[4][0] = G[1][1]
        G[4][4] = G[3][3]
        G[3][4] = G[5][5]; G[4][3] = G[5][5]
        let inv = PolyExpansion.choleskyInverse(G)
        ig11 = inv[1][1]; ig03 = inv[0][3]; ig33 = inv[3][3]; ig55 = inv[5][5]
        self.g = g; self.xg = xg; self.xxg = xxg
    }

    /// Inverse of a symmetric positive definite matrix through its Cholesky factor.
    static func choleskyInverse(_ a: [[Double]]) -> [[Double]] {
        let m = a.count
        var l = [[Double]](repeating: [Double](repeating: 0, count: m), count: m)
        for i in 0..<m {
            for j in 0...i {
                var s = a[i][j]
                for k in 0..<j { s -= l[i][k] * l[j][k] }
                if i == j { l[i][i] = s.squareRoot() } else { l[i][j] = s / l[j][j] }
            }
        }
        var inv = [[Double]](repeating: [Double](repeating: 0, count: m), count: m)
        for col in 0..<m {
            // Solve L z = e_col, then L^T x = z.
            var z = [Double](repeating: 0, count: m)
            for i in 0..<m {
                var s = i == col ? 1.0 : 0.0
                for k in 0..<i { s -= l[i][k] * z[k] }
                z[i] = s / l[i][i]
            }
            var x = [Double](repeating: 0, count: m)
            for i in stride(from: m - 1, through: 0, by: -1) {
                var s = z[i]
                for k in (i + 1)..<m { s -= l[k][i] * x[k] }
                x[i] = s / l[i][i]
            }
            for i in 0..<m { inv[i][col] = x[i] }
        }
        return inv
    }

    /// Expands `src` into five float32 channels per pixel (y, x, yy, xx, xy).
    /// Vertical pass in float32 with replicated rows: `t0 = sum g (s+ + s-)`,
    /// `t1 = sum xg (s+ - s-)`, `t2 = sum xxg (s+ + s-)`; horizontal pass in double with
    /// replicated columns: `b1 = g.t0, b2 = xg.t0, b3 = g.t1, b4 = xxg.t0, b5 = g.t2,
    /// b6 = xg.t1`; then `R = [b3 ig11, b2 ig11, b1 ig03 + b5 ig33, b1 ig03 + b4 ig33, b6 ig55]`.
    func expand(_ src: Plane) -> [Float] {
        let w = src.width, h = src.height, n = self.n
        // Padding of 8 floats lets the matrix update read 8 lanes at the last pixel.
        var dst = [Float](repeating: 0, count: w * h * 5 + 8)
        // Planar vertical sums t0, t1, t2 with n replicated columns on each side.
        let pw = w + 2 * n
        var rowBuf = [Float](repeating: 0, count: pw * 3)
        src.data.withUnsafeBufferPointer { sb in
        dst.withUnsafeMutableBufferPointer { db in
        rowBuf.withUnsafeMutableBufferPointer { rb in
        g.withUnsafeBufferPointer { gb in
        xg.withUnsafeBufferPointer { xgb in
        xxg.withUnsafeBufferPointer { xxgb in
            guard let s = sb.baseAddress, let rbase = rb.baseAddress, let dbase = db.baseAddress,
                  let gp = gb.baseAddress, let xgp = xgb.baseAddress, let xxgp = xxgb.baseAddress else { return }
            let t0 = rbase + n, t1 = rbase + pw + n, t2 = rbase + 2 * pw + n
            let gc = gp + n, xgc = xgp + n, xxgc = xxgp + n
            for y in 0..<h {
                // Vertical part (float32, replicated rows), same operation order as OpenCV.
                let g0 = gc[0]
                let srow = s + y * w
                for x in 0..<w {
                    t0[x] = srow[x] * g0
                    t1[x] = 0
                    t2[x] = 0
                }
                for k in 1...n {
                    let gk = gc[k], g1 = xgc[k], g2 = xxgc[k]
                    let s0 = s + max(y - k, 0) * w
                    let s1 = s + min(y + k, h - 1) * w
                    for x in 0..<w {
                        let p = s0[x] + s1[x]
                        t0[x] = t0[x] + gk * p
                        t1[x] = t1[x] + g1 * (s1[x] - s0[x])
                        t2[x] = t2[x] + g2 * p
                    }
                }
                for k in 1...n {
                    t0[-k] = t0[0]; t1[-k] = t1[0]; t2[-k] = t2[0]
                    t0[w - 1 + k] = t0[w - 1]; t1[w - 1 + k] = t1[w - 1]; t2[w - 1 + k] = t2[w - 1]
                }
                let drow = dbase + y * w * 5
                // Horizontal part, four pixels per step: float sums and products as in
                // OpenCV's expressions, accumulated in double.
                var x = 0
                while x + 4 <= w {
                    let c0 = SIMD4<Float>(t0[x], t0[x + 1], t0[x + 2], t0[x + 3])
                    let c1 = SIMD4<Float>(t1[x], t1[x + 1], t1[x + 2], t1[x + 3])
                    let c2 = SIMD4<Float>(t2[x], t2[x + 1], t2[x + 2], t2[x + 3])
                    var b1 = SIMD4<Double>(c0 * g0), b2 = SIMD4<Double>(repeating: 0)
                    var b3 = SIMD4<Double>(c1 * g0), b4 = SIMD4<Double>(repeating: 0)
                    var b5 = SIMD4<Double>(c2 * g0), b6 = SIMD4<Double>(repeating: 0)
                    for k in 1...n {
                        let gk = gc[k], xgk = xgc[k]
                        let p0 = UnsafeRawPointer(t0 + x + k).loadUnaligned(as: SIMD4<Float>.self)
                        let m0 = UnsafeRawPointer(t0 + x - k).loadUnaligned(as: SIMD4<Float>.self)
                        let p1 = UnsafeRawPointer(t1 + x + k).loadUnaligned(as: SIMD4<Float>.self)
                        let m1 = UnsafeRawPointer(t1 + x - k).loadUnaligned(as: SIMD4<Float>.self)
                        let p2 = UnsafeRawPointer(t2 + x + k).loadUnaligned(as: SIMD4<Float>.self)
                        let m2 = UnsafeRawPointer(t2 + x - k).loadUnaligned(as: SIMD4<Float>.self)
                        let tg = SIMD4<Double>(p0 + m0)
                        b1 += tg * Double(gk)
                        b4 += tg * Double(xxgc[k])
                        b2 += SIMD4<Double>((p0 - m0) * xgk)
                        b3 += SIMD4<Double>((p1 + m1) * gk)
                        b6 += SIMD4<Double>((p1 - m1) * xgk)
                        b5 += SIMD4<Double>((p2 + m2) * gk)
                    }
                    let o1 = SIMD4<Float>(b2 * ig11), o0 = SIMD4<Float>(b3 * ig11)
                    let o3 = SIMD4<Float>(b1 * ig03 + b4 * ig33), o2 = SIMD4<Float>(b1 * ig03 + b5 * ig33)
                    let o4 = SIMD4<Float>(b6 * ig55)
                    let out = drow + x * 5
                    for i in 0..<4 {
                        out[i * 5] = o0[i]; out[i * 5 + 1] = o1[i]; out[i * 5 + 2] = o2[i]
                        out[i * 5 + 3] = o3[i]; out[i * 5 + 4] = o4[i]
                    }
                    x += 4
                }
                while x < w {
                    var b1 = Double(t0[x] * g0), b2 = 0.0, b3 = Double(t1[x] * g0)
                    var b4 = 0.0, b5 = Double(t2[x] * g0), b6 = 0.0
                    for k in 1...n {
                        let gk = gc[k]
                        let tg = Double(t0[x + k] + t0[x - k])
                        b1 += tg * Double(gk)
                        b4 += tg * Double(xxgc[k])
                        b2 += Double((t0[x + k] - t0[x - k]) * xgc[k])
                        b3 += Double((t1[x + k] + t1[x - k]) * gk)
                        b6 += Double((t1[x + k] - t1[x - k]) * xgc[k])
                        b5 += Double((t2[x + k] + t2[x - k]) * gk)
                    }
                    drow[x * 5 + 1] = Float(b2 * ig11)
                    drow[x * 5] = Float(b3 * ig11)
                    drow[x * 5 + 3] = Float(b1 * ig03 + b4 * ig33)
                    drow[x * 5 + 2] = Float(b1 * ig03 + b5 * ig33)
                    drow[x * 5 + 4] = Float(b6 * ig55)
                    x += 1
                }
            }
        }}}}}}
        return dst
    }
}
