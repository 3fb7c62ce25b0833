#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Fireworks bursting in a night sky: each event is a ring of sparks that appears at once,
/// spreads a little in shrinking steps and fades out.
struct FireworksScene: SynthScene {
    /// One burst site: where, what colour, how many sparks.
    struct Site: Sendable {
        var x: Float, y: Float, radius: Float, sparks: Int, colour: RGB, turn: Float
    }
    let layout: SceneLayout
    let sites: [Site]
    let stars: [(Float, Float, Float)]
    var actorCount: Int { sites.count }
    var alternates: Bool { true }

    init(layout: SceneLayout, backdrop: Backdrop, rng: inout Xoshiro256) {
        self.layout = layout
        var sites: [Site] = []
        for _ in 0..<4 {
            sites.append(Site(x: rng.uniformFloat(18, 46), y: rng.uniformFloat(14, 40),
                              radius: rng.uniformFloat(6, 9) * layout.scale, sparks: 10 + rng.below(6),
                              colour: RGB.hsv(rng.uniformFloat(0, 1), rng.uniformFloat(0.2, 0.8), 1),
                              turn: rng.uniformFloat(0, 1)))
        }
        self.sites = sites
        stars = (0..<(8 + rng.below(12))).map { _ in
            (rng.uniformFloat(0, 64), rng.uniformFloat(0, 64), rng.uniformFloat(0.3, 0.8))
        }
    }

    func paintStatic(on canvas: inout Canvas) {
        for (x, y, v) in stars { canvas.circle(x, y, 0.6, RGB(r: v, g: v, b: v)) }
    }

    /// Spread (pixels beyond the first ring) and brightness by age since the burst.
    static let spread: [Float] = [0, 2.5, 3.7, 4.2]
    static let glow: [Float] = [1, 0.5, 0.22, 0.08]

    func paintFrame(_ frame: Int, schedule: EventSchedule, on canvas: inout Canvas) {
        for (index, site) in sites.enumerated() {
            guard let age = schedule.age(of: index, at: frame), age < Self.spread.count else { continue }
            let r = site.radius + Self.spread[age], light = Self.glow[age]
            canvas.circle(site.x, site.y, 3.5, site.colour, opacity: light)
            for i in 0..<site.sparks {
                let angle = 2 * Float.pi * (Float(i) / Float(site.sparks) + site.turn)
                canvas.circle(site.x + r * cos(angle), site.y + r * sin(angle), 1.9, site.colour, opacity: light)
            }
        }
    }
}

/// Drops falling from taps into water: at each drip the surface dips under the tap and a
/// splash jumps up, then both settle; the hanging drop grows back.
struct DripScene: SynthScene {
    let layout: SceneLayout
    let pipe: RGB, water: RGB, crest: RGB, drop: RGB
    let taps: [Float], surfaceY: Float, width: Float
    var actorCount: Int { taps.count }
    var alternates: Bool { false }

    init(layout: SceneLayout, backdrop: Backdrop, rng: inout Xoshiro256) {
        self.layout = layout
        pipe = backdrop.propColour(rng: &rng)
        water = RGB.hsv(rng.uniformFloat(0.5, 0.68), rng.uniformFloat(0.5, 0.9),
                        backdrop.isLight ? rng.uniformFloat(0.25, 0.5) : rng.uniformFloat(0.55, 0.85))
        crest = water.mixed(with: RGB(r: 1, g: 1, b: 1), 0.55)
        drop = crest
        let count = 2 + rng.below(2)
        let span: Float = count == 2 ? 26 : 36
        taps = (0..<count).map { layout.cx - span / 2 + span * Float($0) / Float(count - 1) }
        surfaceY = 44 + layout.dy
        width = rng.uniformFloat(4.5, 6.5)
    }

    func paintStatic(on canvas: inout Canvas) {
        canvas.box(32, 4, halfWidth: 34, halfHeight: 2.5, pipe)
        for x in taps { canvas.box(x, 8, halfWidth: 2.2, halfHeight: 3, corner: 0.8, pipe) }
    }

    /// Size of the hanging drop by age since it fell.
    static let regrow: [Float] = [0, 1.0, 1.6]

    func paintFrame(_ frame: Int, schedule: EventSchedule, on canvas: inout Canvas) {
        var dips: [(Float, Float)] = []
        for (index, x) in taps.enumerated() {
            let k = schedule.strike(of: index, at: frame)
            if k > 0 { dips.append((x, layout.reach * k)) }
            let age = schedule.age(of: index, at: frame)
            let r: Float = age.map { $0 < Self.regrow.count ? Self.regrow[$0] : 2.2 } ?? 2.2
            if r > 0 { canvas.circle(x, 11 + r, r, drop) }
            if let age, age < 2 {
                let lift: Float = age == 0 ? 0 : 1.5, spread: Float = age == 0 ? 4 : 5.5
                let o: Float = age == 0 ? 1 : 0.45
                canvas.circle(x - spread, surfaceY - 3 - lift, 1.6, crest, opacity: o)
                canvas.circle(x + spread, surfaceY - 3 - lift, 1.6, crest, opacity: o)
                canvas.circle(x, surfaceY - 6 - lift, 1.8, crest, opacity: o)
            }
        }
        let w2 = 2 * width * width
        let surface: (Float) -> Float = { x in
            var y = surfaceY
            for (cx, depth) in dips { y += depth * exp(-(x - cx) * (x - cx) / w2) }
            return y
        }
        canvas.fillBelow(crest, top: surface)
        canvas.fillBelow(water) { surface($0) + 1.5 }
    }
}
