import Foundation

/// Nearest-centroid classification and the Fréchet distance between feature sets.
enum Statistics {
    /// Per-dimension mean and standard deviation (floored at `floor`) of `rows`, the deviation
    /// multiplied by √(size) of the dimension's block so that every block of `blocks` (sizes in
    /// order, summing to the row length) weighs the same in Euclidean distances.
    static func standardiser(_ rows: [[Double]], blocks: [Int], floor: Double) -> (mean: [Double], std: [Double]) {
        let d = rows[0].count, n = Double(rows.count)
        precondition(blocks.reduce(0, +) == d, "feature blocks \(blocks) do not add up to \(d) dimensions")
        let mean = (0..<d).map { j in rows.reduce(0) { $0 + $1[j] } / n }
        let std = (0..<d).map { j in max(floor, (rows.reduce(0) { $0 + ($1[j] - mean[j]) * ($1[j] - mean[j]) } / n).squareRoot()) }
        let blockScale = blocks.flatMap { [Double](repeating: Double($0).squareRoot(), count: $0) }
        return (mean, zip(std, blockScale).map { $0 * $1 })
    }

    /// `(x - mean) / std` per dimension.
    static func standardise(_ x: [Double], _ s: (mean: [Double], std: [Double])) -> [Double] {
        zip(x.indices, x).map { ($1 - s.mean[$0]) / s.std[$0] }
    }

    /// The class whose centroid is nearest (Euclidean) to `x`.
    static func nearest(_ x: [Double], _ centroids: [Int: [Double]]) -> Int {
        centroids.min { distance2(x, $0.value) < distance2(x, $1.value) }?.key ?? -1
    }

    static func distance2(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }

    /// Mean of rows.
    static func mean(_ rows: [[Double]]) -> [Double] {
        (0..<rows[0].count).map { j in rows.reduce(0) { $0 + $1[j] } / Double(rows.count) }
    }

    /// Sample covariance (n - 1) of rows.
    static func covariance(_ rows: [[Double]]) -> [[Double]] {
        let m = mean(rows), d = m.count
        var c = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
        for r in rows {
            for i in 0..<d { for j in 0..<d { c[i][j] += (r[i] - m[i]) * (r[j] - m[j]) } }
        }
        return c.map { $0.map { $0 / Double(max(1, rows.count - 1)) } }
    }

    /// The top `k` principal directions of `rows` (eigenvectors of the covariance, by Jacobi).
    static func principalAxes(_ rows: [[Double]], k: Int) -> [[Double]] {
        // Gram trick: for d > n the eigenvectors of X Xᵀ map to those of XᵀX.
        let m = mean(rows), n = rows.count
        let centred = rows.map { zip($0, m).map { $0 - $1 } }
        var gram = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n { for j in i..<n { let v = zip(centred[i], centred[j]).reduce(0) { $0 + $1.0 * $1.1 }; gram[i][j] = v; gram[j][i] = v } }
        let (values, vectors) = symmetricEigen(gram)
        let order = values.indices.sorted { values[$0] > values[$1] }.prefix(k)
        return order.map { e in
            var axis = [Double](repeating: 0, count: m.count)
            for i in 0..<n { for j in axis.indices { axis[j] += vectors[i][e] * centred[i][j] } }
            let norm = max(1e-12, axis.reduce(0) { $0 + $1 * $1 }.squareRoot())
            return axis.map { $0 / norm }
        }
    }

    /// Projections of `x` onto `axes`.
    static func project(_ x: [Double], _ axes: [[Double]]) -> [Double] {
        axes.map { zip($0, x).reduce(0) { $0 + $1.0 * $1.1 } }
    }

    /// Fréchet distance ‖μ1 - μ2‖² + tr(C1 + C2 - 2 (C1^½ C2 C1^½)^½) between Gaussians fitted to two sets.
    static func frechet(_ a: [[Double]], _ b: [[Double]]) -> Double {
        let (ma, mb) = (mean(a), mean(b))
        let (ca, cb) = (covariance(a), covariance(b))
        let root = matrixSqrt(ca)
        let inner = matrixSqrt(multiply(multiply(root, cb), root))
        var trace = 0.0
        for i in 0..<ma.count {
            let diagonal: Double = ca[i][i] + cb[i][i]
            trace += diagonal - 2 * inner[i][i]
        }
        return distance2(ma, mb) + trace
    }

    static func multiply(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
        let n = a.count
        return (0..<n).map { i in (0..<n).map { j in (0..<n).reduce(0) { $0 + a[i][$1] * b[$1][j] } } }
    }

    /// Square root of a symmetric PSD matrix (negative eigenvalues clamped to 0).
    static func matrixSqrt(_ a: [[Double]]) -> [[Double]] {
        let (values, v) = symmetricEigen(a), n = a.count
        let roots: [Double] = values.map { max(0, $0).squareRoot() }
        var out = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            for j in 0..<n {
                var sum = 0.0
                for k in 0..<n { sum += v[i][k] * roots[k] * v[j][k] }
                out[i][j] = sum
            }
        }
        return out
    }

    /// Eigenvalues and eigenvectors (columns) of a symmetric matrix by cyclic Jacobi rotations.
    static func symmetricEigen(_ input: [[Double]]) -> ([Double], [[Double]]) {
        var a = input
        let n = a.count
        var v = (0..<n).map { i in (0..<n).map { $0 == i ? 1.0 : 0.0 } }
        for _ in 0..<60 {
            var off = 0.0
            for i in 0..<n { for j in (i + 1)..<max(i + 1, n) { off += a[i][j] * a[i][j] } }
            if off < 1e-22 { break }
            for p in 0..<n {
                for q in (p + 1)..<max(p + 1, n) where abs(a[p][q]) > 1e-300 {
                    let theta = (a[q][q] - a[p][p]) / (2 * a[p][q])
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<n {
                        let (akp, akq) = (a[k][p], a[k][q])
                        a[k][p] = c * akp - s * akq; a[k][q] = s * akp + c * akq
                    }
                    for k in 0..<n {
                        let (apk, aqk) = (a[p][k], a[q][k])
                        a[p][k] = c * apk - s * aqk; a[q][k] = s * apk + c * aqk
                    }
                    for k in 0..<n {
                        let (vkp, vkq) = (v[k][p], v[k][q])
                        v[k][p] = c * vkp - s * vkq; v[k][q] = s * vkp + c * vkq
                    }
                }
            }
        }
        return ((0..<n).map { a[$0][$0] }, v)
    }
}
