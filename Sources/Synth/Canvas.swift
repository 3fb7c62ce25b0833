#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A linear RGB colour with components in 0...1.
struct RGB: Sendable, Equatable {
    var r: Float, g: Float, b: Float

    /// A colour from hue (0..<1), saturation and value (HSV).
    static func hsv(_ h: Float, _ s: Float, _ v: Float) -> RGB {
        let h6 = (h - h.rounded(.down)) * 6
        let i = Int(h6) % 6
        let f = h6 - Float(Int(h6))
        let p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f))
        switch i {
        case 0: return RGB(r: v, g: t, b: p)
        case 1: return RGB(r: q, g: v, b: p)
        case 2: return RGB(r: p, g: v, b: t)
        case 3: return RGB(r: p, g: q, b: v)
        case 4: return RGB(r: t, g: p, b: v)
        default: return RGB(r: v, g: p, b: q)
        }
    }

    /// This colour scaled by `k` (brighter above 1, clamped when drawn).
    func scaled(_ k: Float) -> RGB { RGB(r: r * k, g: g * k, b: b * k) }

    /// The mix `(1-t)*self + t*other`.
    func mixed(with other: RGB, _ t: Float) -> RGB {
        RGB(r: r + (other.r - r) * t, g: g + (other.g - g) * t, b: b + (other.b - b) * t)
    }

    /// Rec. 601 luma.
    var luma: Float { 0.299 * r + 0.587 * g + 0.114 * b }
}

/// A square RGB float image that shapes are painted onto with anti-aliased edges.
///
/// Shapes are signed-distance functions: a pixel (centre at x+0.5, y+0.5) is covered by
/// `clamp(0.5 - distance, 0, 1)`, so sub-pixel moves change the picture smoothly.
struct Canvas: Sendable {
    /// Width and height in pixels.
    let size: Int
    /// Planar channels, row-major, each `size*size`.
    var red: [Float], green: [Float], blue: [Float]

    /// A canvas filled with `colour`.
    init(size: Int, colour: RGB = RGB(r: 0, g: 0, b: 0)) {
        self.size = size
        red = Array(repeating: colour.r, count: size * size)
        green = Array(repeating: colour.g, count: size * size)
        blue = Array(repeating: colour.b, count: size * size)
    }

    /// Blends `colour` into pixel (x, y) with weight `alpha`.
    @inline(__always)
    mutating func blend(_ x: Int, _ y: Int, _ colour: RGB, _ alpha: Float) {
        let i = y * size + x
        red[i] += (colour.r - red[i]) * alpha
        green[i] += (colour.g - green[i]) * alpha
        blue[i] += (colour.b - blue[i]) * alpha
    }

    /// Paints the shape whose signed distance at pixel centres is `distance`, inside a bounding box.
    @inline(__always)
    mutating func paint(minX: Float, minY: Float, maxX: Float, maxY: Float, colour: RGB, opacity: Float = 1,
                        distance: (Float, Float) -> Float) {
        let x0 = max(0, Int((minX - 1).rounded(.down))), x1 = min(size - 1, Int((maxX + 1).rounded(.up)))
        let y0 = max(0, Int((minY - 1).rounded(.down))), y1 = min(size - 1, Int((maxY + 1).rounded(.up)))
        guard x0 <= x1, y0 <= y1, opacity > 0 else { return }
        for y in y0...y1 {
            let py = Float(y) + 0.5
            for x in x0...x1 {
                let d = distance(Float(x) + 0.5, py)
                let cover = min(1, max(0, 0.5 - d))
                if cover > 0 { blend(x, y, colour, cover * opacity) }
            }
        }
    }

    /// A filled circle.
    mutating func circle(_ cx: Float, _ cy: Float, _ radius: Float, _ colour: RGB, opacity: Float = 1) {
        paint(minX: cx - radius, minY: cy - radius, maxX: cx + radius, maxY: cy + radius,
              colour: colour, opacity: opacity) { x, y in
            ((x - cx) * (x - cx) + (y - cy) * (y - cy)).squareRoot() - radius
        }
    }

    /// A filled axis-aligned ellipse (approximate distance, exact on the axes).
    mutating func ellipse(_ cx: Float, _ cy: Float, _ rx: Float, _ ry: Float, _ colour: RGB, opacity: Float = 1) {
        let m = min(rx, ry)
        paint(minX: cx - rx, minY: cy - ry, maxX: cx + rx, maxY: cy + ry, colour: colour, opacity: opacity) { x, y in
            let u = (x - cx) / rx, v = (y - cy) / ry
            return ((u * u + v * v).squareRoot() - 1) * m
        }
    }

    /// An elliptic ring of the given thickness.
    mutating func ring(_ cx: Float, _ cy: Float, _ rx: Float, _ ry: Float, thickness: Float, _ colour: RGB, opacity: Float = 1) {
        let m = min(rx, ry)
        paint(minX: cx - rx - thickness, minY: cy - ry - thickness, maxX: cx + rx + thickness, maxY: cy + ry + thickness,
              colour: colour, opacity: opacity) { x, y in
            let u = (x - cx) / rx, v = (y - cy) / ry
            return abs(((u * u + v * v).squareRoot() - 1) * m) - thickness / 2
        }
    }

    /// A filled rectangle centred at (cx, cy) with half sizes and rounded corners.
    mutating func box(_ cx: Float, _ cy: Float, halfWidth hw: Float, halfHeight hh: Float, corner: Float = 0,
                      _ colour: RGB, opacity: Float = 1) {
        let c = min(corner, min(hw, hh))
        paint(minX: cx - hw, minY: cy - hh, maxX: cx + hw, maxY: cy + hh, colour: colour, opacity: opacity) { x, y in
            let qx = abs(x - cx) - hw + c, qy = abs(y - cy) - hh + c
            let outside = (max(qx, 0) * max(qx, 0) + max(qy, 0) * max(qy, 0)).squareRoot()
            return outside + min(max(qx, qy), 0) - c
        }
    }

    /// A segment from (x0, y0) to (x1, y1) with round caps of `radius`.
    mutating func capsule(_ x0: Float, _ y0: Float, _ x1: Float, _ y1: Float, radius: Float, _ colour: RGB, opacity: Float = 1) {
        let dx = x1 - x0, dy = y1 - y0
        let len2 = max(dx * dx + dy * dy, 1e-6)
        paint(minX: min(x0, x1) - radius, minY: min(y0, y1) - radius, maxX: max(x0, x1) + radius,
              maxY: max(y0, y1) + radius, colour: colour, opacity: opacity) { x, y in
            let t = min(1, max(0, ((x - x0) * dx + (y - y0) * dy) / len2))
            let ex = x - x0 - t * dx, ey = y - y0 - t * dy
            return (ex * ex + ey * ey).squareRoot() - radius
        }
    }

    /// Fills every pixel below the curve `top(x)` (for each column x, rows y > top) with `colour`.
    mutating func fillBelow(_ colour: RGB, top: (Float) -> Float) {
        for x in 0..<size {
            let t = top(Float(x) + 0.5)
            let start = max(0, Int(t.rounded(.down)))
            guard start < size else { continue }
            for y in start..<size {
                let cover = min(1, max(0, Float(y) + 1 - t))
                if cover > 0 { blend(x, y, colour, cover) }
            }
        }
    }

    /// Appends the image as planar uint8 RGB (channel-major, then rows), rounding to nearest.
    func appendBytes(to out: inout [UInt8]) {
        for channel in [red, green, blue] {
            for v in channel {
                let clamped = min(1, max(0, v))
                out.append(UInt8(clamped * 255 + 0.5))
            }
        }
    }
}
