import Foundation

/// The Gaussian image pyramid of OpenCV's Farneback: every level is made from the
/// full-resolution image by a separable float32 Gaussian blur (BORDER_REFLECT_101) and a
/// bilinear resize (half-pixel centres, clamped edges), not recursively.
enum Pyramid {
    /// Number of coarser levels (0...3) used for a `width`×`height` image:
    /// halve until a side would drop under 32 pixels, at most `maxLevels` times.
    static func depth(width: Int, height: Int, maxLevels: Int = 3) -> Int {
        var k = 0
        var scale = 1.0
        while k < maxLevels {
            scale *= 0.5
            if Double(width) * scale < 32 || Double(height) * scale < 32 { break }
            k += 1
        }
        return k
    }

    /// Size of level `k`: `(cvRound(W * 0.5^k), cvRound(H * 0.5^k))`.
    static func levelSize(width: Int, height: Int, level k: Int) -> (width: Int, height: Int) {
        var scale = 1.0
        for _ in 0..<k { scale *= 0.5 }
        return (cvRound(Double(width) * scale), cvRound(Double(height) * scale))
    }

    /// Blur parameters of level `k`: `sigma = (1/s - 1)/2`, `ksize = max(cvRound(5 sigma) | 1, 3)`.
    static func blurKernel(level k: Int) -> [Float] {
        var scale = 1.0
        for _ in 0..<k { scale *= 0.5 }
        let sigma = (1.0 / scale - 1.0) * 0.5
        let ksize = max(cvRound(sigma * 5) | 1, 3)
        return gaussianKernel(size: ksize, sigma: sigma)
    }

    /// OpenCV's `getGaussianKernel` as float32: for `sigma <= 0` and size 3 the fixed
    /// `[1/4, 1/2, 1/4]`; otherwise `exp(-x^2 / (2 sigma^2))` for `x = i - (n-1)/2`,
    /// normalised to sum 1 in double, then rounded to float.
    static func gaussianKernel(size n: Int, sigma: Double) -> [Float] {
        if sigma <= 0 && n == 3 { return [0.25, 0.5, 0.25] }
        let sig = sigma > 0 ? sigma : ((Double(n - 1) * 0.5 - 1) * 0.3 + 0.8)
        let half = (n - 1) / 2
        var values = [Double](repeating: 0, count: n)
        var sum = 0.0
        for i in 0..<half {
            let x = Double(i - half)
            let t = exp(-x * x / (2 * sig * sig))
            values[i] = t
            sum += t
        }
        sum = sum * 2 + 1
        let inv = 1.0 / sum
        var out = [Float](repeating: 0, count: n)
        for i in 0..<half {
            let t = Float(values[i] * inv)
            out[i] = t
            out[n - 1 - i] = t
        }
        out[half] = Float(inv)
        return out
    }

    /// One axis of OpenCV's INTER_LINEAR resize: for destination index `d`,
    /// `f = float((d + 0.5) * scale - 0.5)`, `s = floor(f)`, weights `(1 - frac, frac)`;
    /// indices left of 0 or right of `n-1` clamp with weight (1, 0).
    struct LinearAxis {
        var s0: [Int32]
        var s1: [Int32]
        var w0: [Float]
        var w1: [Float]

        init(source n: Int, destination m: Int) {
            let scale = 1.0 / (Double(m) / Double(n))
            s0 = []; s1 = []; w0 = []; w1 = []
            s0.reserveCapacity(m); s1.reserveCapacity(m); w0.reserveCapacity(m); w1.reserveCapacity(m)
            for d in 0..<m {
                var f = Float((Double(d) + 0.5) * scale - 0.5)
                var s = Int(f.rounded(.down))
                f -= Float(s)
                if s < 0 { f = 0; s = 0 }
                if s >= n - 1 { f = 0; s = n - 1 }
                s0.append(Int32(s))
                s1.append(Int32(min(s + 1, n - 1)))
                w0.append(1 - f)
                w1.append(f)
            }
        }

        /// Sorted source indices that the resize reads.
        var used: [Int] {
            var seen = Set<Int32>()
            for i in 0..<s0.count {
                seen.insert(s0[i])
                if w1[i] != 0 { seen.insert(s1[i]) }
            }
            return seen.map(Int.init).sorted()
        }
    }

    /// Level `k` of `image`: blur with the level's kernel, then resize to the level size.
    /// Only the pixels the resize reads are blurred; each one is computed exactly as the
    /// full blur would compute it (row pass, then column pass).
    static func level(_ image: Plane, level k: Int) -> Plane {
        let kernel = blurKernel(level: k)
        let size = levelSize(width: image.width, height: image.height, level: k)
        if size.width == image.width && size.height == image.height {
            return blur(image, kernel: kernel, columns: Array(0..<image.width), rows: Array(0..<image.height))
        }
        let xa = LinearAxis(source: image.width, destination: size.width)
        let ya = LinearAxis(source: image.height, destination: size.height)
        let cols = xa.used, rows = ya.used
        let compact = blur(image, kernel: kernel, columns: cols, rows: rows)
        var colMap = [Int](repeating: 0, count: image.width)
        for (j, c) in cols.enumerated() { colMap[c] = j }
        var rowMap = [Int](repeating: 0, count: image.height)
        for (j, r) in rows.enumerated() { rowMap[r] = j }
        return resize(compact, xAxis: xa, yAxis: ya, colMap: colMap, rowMap: rowMap,
                      width: size.width, height: size.height)
    }

    /// Separable blur sampled at the given (sorted) columns and rows, BORDER_REFLECT_101.
    /// Row pass per tap order as OpenCV's float filters: size 3 as `k0*s0 + k1*(s-1 + s+1)`,
    /// larger kernels summed left to right; column pass as `k0*s0 + sum k_i*(s-i + s+i)`.
    static func blur(_ image: Plane, kernel: [Float], columns: [Int], rows: [Int]) -> Plane {
        let w = image.width, h = image.height
        let n = kernel.count, r = n / 2
        let nc = columns.count, nr = rows.count
        // Rows that the column pass reads.
        var needRow = [Bool](repeating: false, count: h)
        for y in rows { for t in -r...r { needRow[reflect101(y + t, h)] = true } }
        var tmp = [Float](repeating: 0, count: h * nc)
        // Padded source row for the horizontal pass.
        var padded = [Float](repeating: 0, count: w + 2 * r)
        image.data.withUnsafeBufferPointer { src in
            tmp.withUnsafeMutableBufferPointer { tb in
                padded.withUnsafeMutableBufferPointer { pb in
                    for y in 0..<h where needRow[y] {
                        let row = src.baseAddress! + y * w
                        for x in 0..<(w + 2 * r) { pb[x] = row[reflect101(x - r, w)] }
                        let out = tb.baseAddress! + y * nc
                        if n == 3 {
                            let k0 = kernel[1], k1 = kernel[0]
                            for j in 0..<nc {
                                let x = columns[j] + r
                                out[j] = pb[x] * k0 + (pb[x - 1] + pb[x + 1]) * k1
                            }
                        } else {
                            kernel.withUnsafeBufferPointer { kb in
                                for j in 0..<nc {
                                    let x = columns[j]
                                    var s = kb[0] * pb[x]
                                    for t in 1..<n { s += kb[t] * pb[x + t] }
                                    out[j] = s
                                }
                            }
                        }
                    }
                }
            }
        }
        var out = Plane(width: nc, height: nr)
        tmp.withUnsafeBufferPointer { tb in
            out.data.withUnsafeMutableBufferPointer { ob in
                kernel.withUnsafeBufferPointer { kb in
                    let k0 = kb[r]
                    for (i, y) in rows.enumerated() {
                        let dst = ob.baseAddress! + i * nc
                        let c = tb.baseAddress! + y * nc
                        for j in 0..<nc { dst[j] = k0 * c[j] }
                        for t in 1...r {
                            let kt = kb[r + t]
                            let a = tb.baseAddress! + reflect101(y - t, h) * nc
                            let b = tb.baseAddress! + reflect101(y + t, h) * nc
                            for j in 0..<nc { dst[j] += kt * (b[j] + a[j]) }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Bilinear resize from a compact grid: horizontal interpolation of each source row,
    /// then `D = h0*b0 + h1*b1`, all in float32 as OpenCV's `resize(INTER_LINEAR)`.
    static func resize(_ src: Plane, xAxis: LinearAxis, yAxis: LinearAxis, colMap: [Int], rowMap: [Int],
                       width: Int, height: Int) -> Plane {
        var out = Plane(width: width, height: height)
        let sw = src.width
        src.data.withUnsafeBufferPointer { sb in
            out.data.withUnsafeMutableBufferPointer { ob in
                for dy in 0..<height {
                    let r0 = sb.baseAddress! + rowMap[Int(yAxis.s0[dy])] * sw
                    let r1 = sb.baseAddress! + rowMap[Int(yAxis.s1[dy])] * sw
                    let b0 = yAxis.w0[dy], b1 = yAxis.w1[dy]
                    for dx in 0..<width {
                        let c0 = colMap[Int(xAxis.s0[dx])], c1 = colMap[Int(xAxis.s1[dx])]
                        let a0 = xAxis.w0[dx], a1 = xAxis.w1[dx]
                        let h0 = a1 == 0 ? r0[c0] * a0 : r0[c0] * a0 + r0[c1] * a1
                        let h1 = a1 == 0 ? r1[c0] * a0 : r1[c0] * a0 + r1[c1] * a1
                        ob[dy * width + dx] = b1 == 0 ? h0 * b0 : h0 * b0 + h1 * b1
                    }
                }
            }
        }
        return out
    }

    /// Bilinear resize of an interleaved two-channel flow field, then scale by `factor`
    /// (OpenCV: `resize(prevFlow, flow, size, INTER_LINEAR); flow *= 1/pyr_scale`).
    static func resizeFlow(_ flow: [Float], width sw: Int, height sh: Int,
                           toWidth width: Int, height: Int, factor: Float) -> [Float] {
        let xa = LinearAxis(source: sw, destination: width)
        let ya = LinearAxis(source: sh, destination: height)
        var out = [Float](repeating: 0, count: width * height * 2)
        flow.withUnsafeBufferPointer { sb in
            out.withUnsafeMutableBufferPointer { ob in
                for dy in 0..<height {
                    let r0 = sb.baseAddress! + Int(ya.s0[dy]) * sw * 2
                    let r1 = sb.baseAddress! + Int(ya.s1[dy]) * sw * 2
                    let b0 = ya.w0[dy], b1 = ya.w1[dy]
                    for dx in 0..<width {
                        let c0 = Int(xa.s0[dx]) * 2, c1 = Int(xa.s1[dx]) * 2
                        let a0 = xa.w0[dx], a1 = xa.w1[dx]
                        for ch in 0..<2 {
                            let h0 = a1 == 0 ? r0[c0 + ch] * a0 : r0[c0 + ch] * a0 + r0[c1 + ch] * a1
                            let h1 = a1 == 0 ? r1[c0 + ch] * a0 : r1[c0 + ch] * a0 + r1[c1 + ch] * a1
                            let v = b1 == 0 ? h0 * b0 : h0 * b0 + h1 * b1
                            ob[(dy * width + dx) * 2 + ch] = v * factor
                        }
                    }
                }
            }
        }
        return out
    }
}
