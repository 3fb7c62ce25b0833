/// Geometry of a convolution over 1 to 3 spatial axes (cross-correlation, as in PyTorch).
///
/// Output extent per axis: `o = (i + 2 p - d (k - 1) - 1) / s + 1`.
public struct ConvGeometry: Hashable, Sendable {
    /// Kernel extent per spatial axis.
    public let kernel: [Int]
    /// Stride per spatial axis.
    public let stride: [Int]
    /// Zero padding on both sides, per spatial axis.
    public let padding: [Int]
    /// Dilation per spatial axis.
    public let dilation: [Int]

    /// A geometry; omitted stride and dilation are 1, omitted padding is 0.
    public init(kernel: [Int], stride: [Int]? = nil, padding: [Int]? = nil, dilation: [Int]? = nil) {
        precondition((1...3).contains(kernel.count), "ConvGeometry: 1 to 3 spatial axes")
        self.kernel = kernel
        self.stride = stride ?? kernel.map { _ in 1 }
        self.padding = padding ?? kernel.map { _ in 0 }
        self.dilation = dilation ?? kernel.map { _ in 1 }
        precondition(self.stride.count == kernel.count && self.padding.count == kernel.count
                     && self.dilation.count == kernel.count, "ConvGeometry: per-axis lists differ in length")
    }

    /// Number of spatial axes.
    public var spatialRank: Int { kernel.count }

    /// Output spatial extents for the given input extents.
    public func outputSize(_ input: [Int]) -> [Int] {
        (0..<spatialRank).map { i in
            (input[i] + 2 * padding[i] - dilation[i] * (kernel[i] - 1) - 1) / stride[i] + 1
        }
    }

    /// Whether the conv is a plain matrix product per sample (1x1 kernel, stride 1, no padding).
    var isPointwise: Bool {
        kernel.allSatisfy { $0 == 1 } && stride.allSatisfy { $0 == 1 } && padding.allSatisfy { $0 == 0 }
    }
}

/// A convolution's sizes flattened to exactly three spatial axes (D, H, W).
struct ConvPlan {
    let batch: Int, cin: Int, cout: Int
    let i: [Int], o: [Int], k: [Int], s: [Int], p: [Int], d: [Int]
    let pointwise: Bool

    init(_ g: ConvGeometry, batch: Int, cin: Int, cout: Int, input: [Int]) {
        let pad = 3 - g.spatialRank
        func three(_ v: [Int], _ fill: Int) -> [Int] { [Int](repeating: fill, count: pad) + v }
        self.batch = batch
        self.cin = cin
        self.cout = cout
        i = three(input, 1)
        o = three(g.outputSize(input), 1)
        k = three(g.kernel, 1)
        s = three(g.stride, 1)
        p = three(g.padding, 0)
        d = three(g.dilation, 1)
        pointwise = g.isPointwise
        precondition(o.allSatisfy { $0 > 0 }, "conv: input \(input) too small for kernel \(g.kernel)")
    }

    /// The one axis with a kernel longer than 1 when the conv is a sum of shifted matrix
    /// products (stride 1 on it, every other axis 1×1 without padding, no extent > 1 before it):
    /// 1-D convs and the temporal (3,1,1) video conv. Nil otherwise.
    var shiftAxis: Int? {
        guard let a = (0..<3).first(where: { k[$0] > 1 }), s[a] == 1,
              (0..<3).allSatisfy({ $0 == a || (k[$0] == 1 && s[$0] == 1 && p[$0] == 0) }),
              (0..<a).allSatisfy({ i[$0] == 1 }) else { return nil }
        return a
    }

    var inCount: Int { i[0] * i[1] * i[2] }
    var outCount: Int { o[0] * o[1] * o[2] }
    var kernelCount: Int { k[0] * k[1] * k[2] }
    /// Rows of the column matrix: one per (input channel, kernel offset).
    var colRows: Int { cin * kernelCount }
    /// Output rows (od, oh) per im2col chunk, keeping the column buffer near 4 MB.
    var rowsPerChunk: Int { max(1, min(o[0] * o[1], (1 << 20) / max(1, colRows * o[2]))) }
}

/// Writes columns for output rows `r0..<r1` (row = od * oH + oh): `cols[q, (r - r0) * oW + ow]`
/// with `q = ((c * kD + kd) * kH + kh) * kW + kw` (PyTorch weight order).
func im2col(_ x: UnsafePointer<Float>, _ pl: ConvPlan, _ r0: Int, _ r1: Int, _ cols: UnsafeMutablePointer<Float>,
            parallel: Bool) {
    let ncol = (r1 - r0) * pl.o[2]
    parallelRanges(pl.cin, grain: parallel ? max(1, (1 << 16) / max(1, pl.kernelCount * ncol)) : pl.cin + 1) { cr in
        for c in cr {
            forEachOffset(pl) { q, kd, kh, kw in
                let row = cols + (c * pl.kernelCount + q) * ncol
                let offW = kw * pl.d[2] - pl.p[2]
                let (lo, hi) = validRange(offW, pl.s[2], pl.i[2], pl.o[2])
                for r in r0..<r1 {
                    let od = r / pl.o[1], oh = r - od * pl.o[1]
                    let id = od * pl.s[0] - pl.p[0] + kd * pl.d[0]
                    let ih = oh * pl.s[1] - pl.p[1] + kh * pl.d[1]
                    let dst = row + (r - r0) * pl.o[2]
                    if id < 0 || id >= pl.i[0] || ih < 0 || ih >= pl.i[1] || lo >= hi {
                        dst.update(repeating: 0, count: pl.o[2])
                        continue
                    }
                    let src = x + ((c * pl.i[0] + id) * pl.i[1] + ih) * pl.i[2] + offW
                    if lo > 0 { dst.update(repeating: 0, count: lo) }
                    if pl.s[2] == 1 {
                        (dst + lo).update(from: src + lo, count: hi - lo)
                    } else {
                        let sw = pl.s[2]
                        for ow in lo..<hi { dst[ow] = src[ow * sw] }
                    }
                    if hi < pl.o[2] { (dst + hi).update(repeating: 0, count: pl.o[2] - hi) }
                }
            }
        }
    }
}

/// Adds columns for output rows `r0..<r1` back into the input layout (the adjoint of `im2col`).
func col2imAdd(_ cols: UnsafePointer<Float>, _ pl: ConvPlan, _ r0: Int, _ r1: Int, _ x: UnsafeMutablePointer<Float>,
               parallel: Bool) {
    let ncol = (r1 - r0) * pl.o[2]
    parallelRanges(pl.cin, grain: parallel ? max(1, (1 << 16) / max(1, pl.kernelCount * ncol)) : pl.cin + 1) { cr in
        for c in cr {
            forEachOffset(pl) { q, kd, kh, kw in
                let row = cols + (c * pl.kernelCount + q) * ncol
                let offW = kw * pl.d[2] - pl.p[2]
                let (lo, hi) = validRange(offW, pl.s[2], pl.i[2], pl.o[2])
                if lo >= hi { return }
                for r in r0..<r1 {
                    let od = r / pl.o[1], oh = r - od * pl.o[1]
                    let id = od * pl.s[0] - pl.p[0] + kd * pl.d[0]
                    let ih = oh * pl.s[1] - pl.p[1] + kh * pl.d[1]
                    if id < 0 || id >= pl.i[0] || ih < 0 || ih >= pl.i[1] { continue }
                    let src = row + (r - r0) * pl.o[2]
                    let dst = x + ((c * pl.i[0] + id) * pl.i[1] + ih) * pl.i[2] + offW
                    let sw = pl.s[2]
                    for ow in lo..<hi { dst[ow * sw] += src[ow] }
                }
            }
        }
    }
}

/// Calls `body(q, kd, kh, kw)` for every kernel offset in weight order.
@inline(__always)
private func forEachOffset(_ pl: ConvPlan, _ body: (Int, Int, Int, Int) -> Void) {
    var q = 0
    for kd in 0..<pl.k[0] { for kh in 0..<pl.k[1] { for kw in 0..<pl.k[2] {
        body(q, kd, kh, kw)
        q += 1
    } } }
}

/// Output positions `lo..<hi` along W whose input index `ow * s + off` lies in `0..<n`.
@inline(__always)
private func validRange(_ off: Int, _ s: Int, _ n: Int, _ o: Int) -> (Int, Int) {
    let lo = off >= 0 ? 0 : (-off + s - 1) / s
    let last = n - 1 - off
    let hi = last < 0 ? 0 : Swift.min(o, last / s + 1)
    return (Swift.min(lo, o), hi)
}
