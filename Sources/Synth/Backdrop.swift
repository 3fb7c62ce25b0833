/// The static part of a scene: a coloured, textured background and a palette of contrasting colours.
struct Backdrop: Sendable {
    /// Whether the background is light (actors are then dark) or dark.
    let isLight: Bool
    /// The background's two gradient colours.
    let top: RGB, bottom: RGB

    /// Draws light or dark backdrop colours; `dark` forces a dark sky (fireworks).
    init(rng: inout Xoshiro256, dark: Bool = false) {
        isLight = dark ? false : rng.chance(0.6)
        let hue = rng.uniformFloat(0, 1)
        let hue2 = hue + rng.uniformFloat(-0.2, 0.2)
        let v: ClosedRange<Float> = dark ? 0.03...0.18 : (isLight ? 0.65...0.95 : 0.15...0.35)
        top = RGB.hsv(hue, rng.uniformFloat(0.1, 0.6), rng.uniformFloat(v.lowerBound, v.upperBound))
        bottom = RGB.hsv(hue2 + 1, rng.uniformFloat(0.1, 0.7), rng.uniformFloat(v.lowerBound, v.upperBound))
    }

    /// A colour that stands out against the background: dark on light, light on dark, with
    /// a luma difference of at least 0.35 (optical flow runs on gray, where a saturated blue
    /// is as dark as a dim background).
    func actorColour(rng: inout Xoshiro256) -> RGB {
        let v: Float = isLight ? rng.uniformFloat(0.08, 0.35) : rng.uniformFloat(0.75, 1)
        return contrasting(RGB.hsv(rng.uniformFloat(0, 1), rng.uniformFloat(0.3, 0.9), v), minimum: 0.35)
    }

    /// The mean luma of the background.
    var luma: Float { (top.luma + bottom.luma) / 2 }

    /// `colour` mixed towards white (dark ground) or black (light one) until its luma differs
    /// by at least `minimum` from the ground's: `against`, or the background's by default.
    func contrasting(_ colour: RGB, minimum: Float, against: Float? = nil) -> RGB {
        let ground = against ?? luma
        let target = ground < 0.5 ? RGB(r: 1, g: 1, b: 1) : RGB(r: 0, g: 0, b: 0)
        var c = colour
        var t: Float = 0
        while abs(c.luma - ground) < minimum && t < 1 {
            t = min(1, t + 0.1)
            c = colour.mixed(with: target, t)
        }
        return c
    }

    /// A mid-contrast colour for props (drum body, floor, keyboard).
    func propColour(rng: inout Xoshiro256) -> RGB {
        let v: Float = isLight ? rng.uniformFloat(0.25, 0.55) : rng.uniformFloat(0.45, 0.75)
        return RGB.hsv(rng.uniformFloat(0, 1), rng.uniformFloat(0.3, 0.9), v)
    }

    /// Paints the gradient and a smooth value-noise texture (its strength varies per clip).
    ///
    /// Everything here is static over the clip: frame-to-frame change comes only from the
    /// actors, so optical flow stays at zero between events. The texture is added in absolute
    /// terms, so dark backgrounds are textured too (see `addGrain` for why that matters).
    func paint(size: Int, rng: inout Xoshiro256) -> Canvas {
        var canvas = Canvas(size: size)
        let cells = 4 + rng.below(4)
        let lattice = (0..<((cells + 1) * (cells + 1))).map { _ in rng.uniformFloat(-1, 1) }
        let texture = rng.uniformFloat(0.02, 0.08)
        for y in 0..<size {
            let ty = Float(y) / Float(size - 1)
            let base = top.mixed(with: bottom, ty)
            for x in 0..<size {
                let gx = Float(x) / Float(size) * Float(cells), gy = Float(y) / Float(size) * Float(cells)
                let ix = Int(gx), iy = Int(gy)
                let fx = smooth(gx - Float(ix)), fy = smooth(gy - Float(iy))
                let a = lattice[iy * (cells + 1) + ix], b = lattice[iy * (cells + 1) + ix + 1]
                let c = lattice[(iy + 1) * (cells + 1) + ix], d = lattice[(iy + 1) * (cells + 1) + ix + 1]
                let noise = (a + (b - a) * fx) * (1 - fy) + (c + (d - c) * fx) * fy
                let add = texture * noise
                let i = y * size + x
                canvas.red[i] = base.r + add
                canvas.green[i] = base.g + add
                canvas.blue[i] = base.b + add
            }
        }
        return canvas
    }

    private func smooth(_ t: Float) -> Float { t * t * (3 - 2 * t) }

    /// Adds a fixed per-pixel grain (uniform, ±1.5% to ±4% of full scale) to the static layer.
    ///
    /// Farneback's flow is ill-conditioned in flat regions next to a moving edge: on a smooth
    /// background a small ball once gave a mean flow over 1 px in its return steps, and the
    /// same happened on flat water. A fixed grain anchors the static regions at zero motion.
    static func addGrain(to canvas: inout Canvas, rng: inout Xoshiro256) {
        let amplitude = rng.uniformFloat(0.015, 0.04)
        for i in canvas.red.indices {
            let g = amplitude * rng.uniformFloat(-1, 1)
            canvas.red[i] += g
            canvas.green[i] += g
            canvas.blue[i] += g
        }
    }
}
