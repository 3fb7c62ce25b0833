/// Dense optical flow by Farneback's algorithm with the reference parameters
/// (pyr_scale 0.5, levels 3, winsize 15, iterations 3, poly_n 5, poly_sigma 1.2, flags 0),
/// restated from OpenCV's `calcOpticalFlowFarneback` CPU path.
public enum Farneback {
    static let maxLevels = 3
    static let windowSize = 15
    static let iterations = 3

    /// The polynomial expansions of one frame at every pyramid level (index = level).
    struct FrameExpansion: Sendable {
        var levels: [[Float]]
        var sizes: [(width: Int, height: Int)]
    }

    /// Expands a gray frame at pyramid levels 0...depth (level k is blurred and resized
    /// from the full-resolution image, then polynomially expanded).
    static func expand(gray: [UInt8], width: Int, height: Int) -> FrameExpansion {
        let depth = Pyramid.depth(width: width, height: height, maxLevels: maxLevels)
        let image = Plane(width: width, height: height, data: gray.map { Float($0) })
        var levels: [[Float]] = []
        var sizes: [(width: Int, height: Int)] = []
        for k in 0...depth {
            let level = Pyramid.level(image, level: k)
            levels.append(PolyExpansion.reference.expand(level))   // carries 8 floats of padding
            sizes.append((level.width, level.height))
        }
        return FrameExpansion(levels: levels, sizes: sizes)
    }

    /// Flow from `a` to `b` as interleaved (dx, dy) float32 at full resolution: coarse to
    /// fine, starting from zero flow, each finer level from the coarser flow resized
    /// bilinearly and doubled; per level one matrix build and `iterations` box-filtered
    /// flow solves, rebuilding the matrices after every solve but the last.
    static func flow(from a: FrameExpansion, to b: FrameExpansion) -> [Float] {
        var flow: [Float] = []
        var prevSize = (width: 0, height: 0)
        for k in stride(from: a.levels.count - 1, through: 0, by: -1) {
            let (w, h) = a.sizes[k]
            if flow.isEmpty {
                flow = [Float](repeating: 0, count: w * h * 2)
            } else {
                flow = Pyramid.resizeFlow(flow, width: prevSize.width, height: prevSize.height,
                                          toWidth: w, height: h, factor: 2)
            }
            var m = [Float](repeating: 0, count: w * h * 5)
            let half = windowSize / 2
            var vsum = [Double](repeating: 0, count: (w + half * 2 + 2) * 5 + w * 5)
            a.levels[k].withUnsafeBufferPointer { r0 in
            b.levels[k].withUnsafeBufferPointer { r1 in
            flow.withUnsafeMutableBufferPointer { fb in
            m.withUnsafeMutableBufferPointer { mb in
            vsum.withUnsafeMutableBufferPointer { vb in
                guard let r0p = r0.baseAddress, let r1p = r1.baseAddress, let fp = fb.baseAddress,
                      let mp = mb.baseAddress, let vp = vb.baseAddress else { return }
                FarnebackUpdate.matrices(r0: r0p, r1: r1p, flow: fp, m: mp, width: w, height: h)
                for i in 0..<iterations {
                    FarnebackUpdate.flow(m: mp, flow: fp, width: w, height: h, block: windowSize, vsumBuffer: vp,
                                         sums: vp + (w + half * 2 + 2) * 5)
                    if i < iterations - 1 {
                        FarnebackUpdate.matrices(r0: r0p, r1: r1p, flow: fp, m: mp, width: w, height: h)
                    }
                }
            }}}}}
            prevSize = (w, h)
        }
        return flow
    }

    /// Farneback flow from gray frame `a` to gray frame `b` (both `width`×`height`, 8-bit),
    /// interleaved (dx, dy) per pixel, row-major.
    public static func flow(from a: [UInt8], to b: [UInt8], width: Int, height: Int) -> [Float] {
        flow(from: expand(gray: a, width: width, height: height),
             to: expand(gray: b, width: width, height: height))
    }

    /// Mean flow magnitude: `mean(sqrtf(dx^2 + dy^2))`, the square root in float32 and
    /// the mean accumulated in double.
    public static func meanMagnitude(_ flow: [Float]) -> Double {
        let n = flow.count / 2
        guard n > 0 else { return 0 }
        var sum = 0.0
        flow.withUnsafeBufferPointer { f in
            for i in 0..<n {
                let dx = f[2 * i], dy = f[2 * i + 1]
                sum += Double((dx * dx + dy * dy).squareRoot())
            }
        }
        return sum / Double(n)
    }
}
