#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Fireworks bursting in a night sky: each event is a ring of sparks that appears at once at
/// a new place, spreads a little in shrinking steps and dims to embers.
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
        for _ in 0..<5 {
            sites.append(Site(x: rng.uniformFloat(18, 46), y: rng.uniformFloat(14, 40),
                              radius: rng.uniformFloat(6, 9) * layout.scale, sparks: 10 + rng.below(6),
                              colour: backdrop.contrasting(RGB.hsv(rng.uniformFloat(0, 1), rng.uniformFloat(0.2, 0.8), 1), minimum: 0.5),
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

    /// Spread (pixels beyond the first ring) and brightness by age since the burst; from the
    /// last entry on the burst stays as dim embers to the end of the clip. Nothing vanishes:
    /// Farneback sees a faint shape disappearing almost as strongly as a bright one appearing.
    static let spread: [Float] = [0, 0.8, 1.2, 1.4, 1.5]
    static let glow: [Float] = [1, 0.5, 0.36, 0.31, 0.3]

    func paintFrame(_ frame: Int, schedule: EventSchedule, on canvas: inout Canvas) {
        // Event j bursts at site j: a site is never reused, so each burst appears on dark sky.
        for (index, eventFrame) in schedule.frames.enumerated() where eventFrame <= frame && index < sites.count {
            let site = sites[index]
            let age = min(frame - eventFrame, Self.spread.count - 1)
            let r = site.radius + Self.spread[age], light = Self.glow[age]
            canvas.circle(site.x, site.y, 3.5, site.colour, opacity: light)
            for i in 0..<site.sparks {
                let angle = 2 * Float.pi * (Float(i) / Float(site.sparks) + site.turn)
                canvas.circle(site.x + r * cos(angle), site.y + r * sin(angle), 1.9, site.colour, opacity: light)
            }
        }
    }
}

/// Drops falling from taps onto floats in a pool: at each drip the float under that tap is
/// knocked down into the water at once, then bobs back up in shrinking steps.
///
/// Nothing pops in or out of sight: an earlier splash that appeared and faded made weaker
/// flow peaks than its own fading, because Farneback sees a faint shape vanish about as
/// strongly as a bright one appear; a solid float that moves gives one clean peak.
struct DripScene: SynthScene {
    let layout: SceneLayout
    let pipe: RGB, water: RGB, crest: RGB, float: RGB, stripe: RGB
    let taps: [Float], surfaceY: Float
    var actorCount: Int { taps.count }
    var alternates: Bool { false }

    init(layout: SceneLayout, backdrop: Backdrop, rng: inout Xoshiro256) {
        self.layout = layout
        pipe = backdrop.propColour(rng: &rng)
        water = RGB.hsv(rng.uniformFloat(0.5, 0.68), rng.uniformFloat(0.5, 0.9),
                        backdrop.isLight ? rng.uniformFloat(0.25, 0.45) : rng.uniformFloat(0.35, 0.55))
        crest = water.mixed(with: RGB(r: 1, g: 1, b: 1), backdrop.isLight ? 0.8 : 0.7)
        float = backdrop.contrasting(RGB.hsv(rng.uniformFloat(0, 1), rng.uniformFloat(0.5, 1), rng.uniformFloat(0.7, 1)),
                                     minimum: 0.35, against: water.luma)
        stripe = float.scaled(0.45)
        let count = 2 + rng.below(2)
        let span: Float = count == 2 ? 26 : 36
        taps = (0..<count).map { layout.cx - span / 2 + span * Float($0) / Float(count - 1) }
        surfaceY = 42 + layout.dy
    }

    func paintStatic(on canvas: inout Canvas) {
        canvas.box(32, 4, halfWidth: 34, halfHeight: 3, pipe)
        // A drop always hangs from each tap: one that vanished at the drip and slid back out
        // made its own flow peak a frame late (a 5 px jump is under-estimated, a 2.7 px one not).
        let dropR: Float = 2.7, tapBottom: Float = 13
        for x in taps {
            canvas.circle(x, tapBottom + dropR - 0.5, dropR, crest)
            canvas.box(x, 9, halfWidth: 3, halfHeight: 4, corner: 1, pipe)
        }
        canvas.fillBelow(crest) { _ in surfaceY }
        canvas.fillBelow(water) { _ in surfaceY + 1.5 }
    }

    func paintFrame(_ frame: Int, schedule: EventSchedule, on canvas: inout Canvas) {
        let s = layout.scale
        for (index, x) in taps.enumerated() {
            // A float dips three quarters of the reach: a flat shape jumping 5 px down across
            // the water line was sometimes under-estimated below its first return step.
            let y = surfaceY + 0.75 * layout.reach * schedule.strike(of: index, at: frame)
            canvas.ellipse(x, y, 8.5 * s, 4 * s, float)
            canvas.box(x, y - 0.5, halfWidth: 7.5 * s, halfHeight: 0.9, stripe)
            canvas.circle(x, y - 4 * s, 2.6 * s, float.mixed(with: stripe, 0.3))
        }
    }
}
