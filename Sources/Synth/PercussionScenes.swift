/// Drum sticks striking a drum, alternating hands; the drum jolts at each hit.
struct DrumsScene: SynthScene {
    let layout: SceneLayout
    let body: RGB, skin: RGB, stick: RGB, hand: RGB
    let drumTop: Float, radius: Float, height: Float
    var actorCount: Int { 2 }
    var alternates: Bool { false }

    init(layout: SceneLayout, backdrop: Backdrop, rng: inout Xoshiro256) {
        self.layout = layout
        body = backdrop.propColour(rng: &rng)
        skin = RGB.hsv(rng.uniformFloat(0, 1), rng.uniformFloat(0, 0.3), rng.uniformFloat(0.6, 0.95))
        stick = backdrop.actorColour(rng: &rng)
        hand = backdrop.actorColour(rng: &rng)
        drumTop = 38 + layout.dy
        radius = 13 * layout.scale
        height = 11 * layout.scale
    }

    func paintStatic(on canvas: inout Canvas) {}

    func paintFrame(_ frame: Int, schedule: EventSchedule, on canvas: inout Canvas) {
        let cx = layout.cx, s = layout.scale, reach = layout.reach
        let jolt = 1.5 * schedule.impact(at: frame)
        let top = drumTop + jolt
        canvas.box(cx, top + height / 2, halfWidth: radius, halfHeight: height / 2, body)
        canvas.ellipse(cx, top + height, radius, 4 * s, body)
        canvas.ellipse(cx, top, radius, 4 * s, skin)
        for actor in 0..<2 {
            let side: Float = actor == 0 ? -1 : 1
            let k = schedule.strike(of: actor, at: frame)
            let handX = cx + side * 17 * s, handY = drumTop - 14 * s + 0.4 * reach * k
            let tipX = cx + side * 6 * s, tipY = drumTop - 1 - reach * (1 - k) + jolt * k
            canvas.capsule(cx + side * 34, drumTop - 26, handX, handY, radius: 3 * s, hand)
            canvas.capsule(handX, handY, tipX, tipY, radius: 1.7 * s, stick)
            canvas.circle(handX, handY, 3.8 * s, hand)
        }
    }
}

/// A hammer striking a nail, which sinks a little with every hit.
struct HammerScene: SynthScene {
    let layout: SceneLayout
    let wood: RGB, nail: RGB, head: RGB, handle: RGB, hand: RGB
    let blockTop: Float, nailLength: Float
    var actorCount: Int { 1 }
    var alternates: Bool { false }

    init(layout: SceneLayout, backdrop: Backdrop, rng: inout Xoshiro256) {
        self.layout = layout
        wood = RGB.hsv(rng.uniformFloat(0.02, 0.12), rng.uniformFloat(0.4, 0.8), rng.uniformFloat(0.3, 0.7))
        nail = RGB.hsv(0, 0, backdrop.isLight ? 0.3 : 0.8)
        head = backdrop.actorColour(rng: &rng)
        handle = backdrop.propColour(rng: &rng)
        hand = backdrop.actorColour(rng: &rng)
        blockTop = 46 + layout.dy
        nailLength = 11
    }

    func paintStatic(on canvas: inout Canvas) {
        let s = layout.scale
        canvas.box(layout.cx, blockTop + 8, halfWidth: 18 * s, halfHeight: 8, corner: 1, wood)
    }

    func paintFrame(_ frame: Int, schedule: EventSchedule, on canvas: inout Canvas) {
        let cx = layout.cx, s = layout.scale
        let hits = Float(schedule.eventsSoFar(at: frame))
        let nailTop = blockTop - nailLength + 1.2 * hits
        canvas.box(cx, (nailTop + blockTop) / 2, halfWidth: 0.9, halfHeight: (blockTop - nailTop) / 2, nail)
        canvas.box(cx, nailTop, halfWidth: 3, halfHeight: 1, nail)
        let k = schedule.strike(of: 0, at: frame)
        let headBottom = nailTop - 1 - layout.reach * (1 - k)
        let hh = 3.5 * s, hw = 7.5 * s
        let headY = headBottom - hh
        let gripX = cx + 22 * s, gripY = headY + 9 * s
        canvas.capsule(cx + 1, headY, gripX, gripY, radius: 1.8 * s, handle)
        canvas.box(cx + 1, headY, halfWidth: hw, halfHeight: hh, corner: 1, head)
        canvas.capsule(gripX, gripY, gripX + 14, gripY + 14, radius: 3 * s, hand)
        canvas.circle(gripX, gripY, 3.8 * s, hand)
    }
}

/// Two hands typing on a keyboard: each key press drops one whole hand (palm and fingers)
/// onto the keys, left and right in turn.
///
/// An earlier version moved single fingers: a finger is a thin vertical bar whose sides say
/// nothing about vertical motion (the aperture problem), and its flow peaks were too weak
/// for AV-Align's 0.1 threshold. A whole hand moves enough area to be seen.
struct TypingScene: SynthScene {
    let layout: SceneLayout
    let board: RGB, keys: RGB, skin: RGB, sleeve: RGB
    let keyTop: Float
    var actorCount: Int { 2 }
    var alternates: Bool { false }

    init(layout: SceneLayout, backdrop: Backdrop, rng: inout Xoshiro256) {
        self.layout = layout
        board = backdrop.propColour(rng: &rng)
        keys = board.mixed(with: RGB(r: 1, g: 1, b: 1), rng.uniformFloat(0.3, 0.6))
        skin = backdrop.actorColour(rng: &rng)
        sleeve = backdrop.propColour(rng: &rng)
        keyTop = 46 + layout.dy
    }

    func paintStatic(on canvas: inout Canvas) {
        let cx = layout.cx
        canvas.box(cx, keyTop + 7, halfWidth: 30, halfHeight: 8, corner: 1.5, board)
        var y = keyTop + 2.5
        while y < keyTop + 14 {
            var x = cx - 27
            while x < cx + 27 {
                canvas.box(x + 1.5, y, halfWidth: 1.6, halfHeight: 1.4, keys)
                x += 4.5
            }
            y += 4
        }
    }

    func paintFrame(_ frame: Int, schedule: EventSchedule, on canvas: inout Canvas) {
        let cx = layout.cx, s = layout.scale
        for hand in 0..<2 {
            let side: Float = hand == 0 ? -1 : 1
            let k = schedule.strike(of: hand, at: frame)
            let drop = layout.reach * k
            let hx = cx + side * 14 * s
            let tipY = keyTop - 1 - layout.reach + drop
            let palmY = tipY - 11 * s
            // The forearm stays put (its end is covered by the palm): a long bar that slides
            // along its own axis gives Farneback ill-conditioned, drifting flow.
            let restPalmY = keyTop - 1 - layout.reach - 11 * s
            canvas.capsule(hx + side * 6 * s, restPalmY - 3, cx + side * 26, -6, radius: 4.5 * s, sleeve)
            for f in 0..<3 {
                let fx = hx + Float(f - 1) * 4.6 * s - side * 1.5 * s
                canvas.capsule(fx, palmY, fx, tipY - 2 * s, radius: 2.1 * s, skin)
            }
            canvas.ellipse(hx, palmY - 1, 8.5 * s, 5.5 * s, skin)
            canvas.box(hx, palmY + 2.5 * s, halfWidth: 6 * s, halfHeight: 0.6, skin.mixed(with: board, 0.5))
        }
    }
}
