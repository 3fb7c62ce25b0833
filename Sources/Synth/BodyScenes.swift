/// A ball that drops onto the floor and squashes at each bounce, then settles back up.
struct BallScene: SynthScene {
    let layout: SceneLayout
    let floor: RGB, ball: RGB, stripe: RGB, floorY: Float, radius: Float
    var actorCount: Int { 1 }
    var alternates: Bool { false }

    init(layout: SceneLayout, backdrop: Backdrop, rng: inout Xoshiro256) {
        self.layout = layout
        floor = backdrop.propColour(rng: &rng)
        ball = backdrop.actorColour(rng: &rng)
        stripe = ball.mixed(with: backdrop.isLight ? RGB(r: 1, g: 1, b: 1) : RGB(r: 0, g: 0, b: 0), 0.5)
        floorY = 48 + layout.dy
        radius = rng.uniformFloat(6.5, 9) * layout.scale
    }

    func paintStatic(on canvas: inout Canvas) {
        canvas.fillBelow(floor) { _ in floorY }
    }

    func paintFrame(_ frame: Int, schedule: EventSchedule, on canvas: inout Canvas) {
        let k = schedule.strike(of: 0, at: frame)
        let bottom = floorY + 0.5 - layout.reach * (1 - k)
        let ry = radius * (1 - 0.04 * k), rx = radius * (1 + 0.04 * k)
        let cy = bottom - ry, cx = layout.cx
        canvas.ellipse(cx, floorY + 1.5, rx * 0.9, 1.8, floor.scaled(0.6), opacity: 0.3 + 0.5 * k)
        canvas.ellipse(cx, cy, rx, ry, ball)
        canvas.box(cx, cy, halfWidth: rx * 0.95, halfHeight: 1.2, stripe)
        canvas.circle(cx - rx * 0.4, cy - ry * 0.4, radius * 0.22, ball.mixed(with: RGB(r: 1, g: 1, b: 1), 0.6))
    }
}

/// Two hands that snap together at each clap and drift apart again.
struct ClapScene: SynthScene {
    let layout: SceneLayout
    let skin: RGB, sleeve: RGB, head: RGB
    let handY: Float, halfWidth: Float, halfHeight: Float
    var actorCount: Int { 1 }
    var alternates: Bool { false }

    init(layout: SceneLayout, backdrop: Backdrop, rng: inout Xoshiro256) {
        self.layout = layout
        skin = backdrop.actorColour(rng: &rng)
        sleeve = backdrop.propColour(rng: &rng)
        head = backdrop.propColour(rng: &rng)
        handY = 30 + layout.dy
        halfWidth = 5 * layout.scale
        halfHeight = 9 * layout.scale
    }

    func paintStatic(on canvas: inout Canvas) {
        canvas.circle(layout.cx, 7 + layout.dy, 8 * layout.scale, head)
    }

    func paintFrame(_ frame: Int, schedule: EventSchedule, on canvas: inout Canvas) {
        let k = schedule.strike(of: 0, at: frame)
        let cx = layout.cx
        let closed = halfWidth + 0.6
        let open = closed + 0.75 * layout.reach
        let offset = open + (closed - open) * k
        for side: Float in [-1, 1] {
            let x = cx + side * offset
            canvas.capsule(x, handY + halfHeight * 0.6, cx + side * 24, 70, radius: 4 * layout.scale, sleeve)
            canvas.ellipse(x, handY, halfWidth, halfHeight, skin)
            canvas.ellipse(x - side * halfWidth * 0.55, handY - halfHeight * 0.3, 1.6, halfHeight * 0.5,
                           skin.scaled(0.75))
        }
    }
}

/// Two feet that stamp onto the ground in turn, left and right.
struct FootstepsScene: SynthScene {
    let layout: SceneLayout
    let ground: RGB, trousers: RGB, shoes: RGB, floorY: Float, facing: Float
    var actorCount: Int { 2 }
    var alternates: Bool { true }

    init(layout: SceneLayout, backdrop: Backdrop, rng: inout Xoshiro256) {
        self.layout = layout
        ground = backdrop.propColour(rng: &rng)
        trousers = backdrop.actorColour(rng: &rng)
        shoes = backdrop.actorColour(rng: &rng)
        floorY = 54 + layout.dy
        facing = rng.chance(0.5) ? 1 : -1
    }

    func paintStatic(on canvas: inout Canvas) {
        canvas.fillBelow(ground) { _ in floorY }
    }

    func paintFrame(_ frame: Int, schedule: EventSchedule, on canvas: inout Canvas) {
        let cx = layout.cx, s = layout.scale
        let bob = 0.8 * schedule.impact(at: frame)
        canvas.box(cx, 6 + layout.dy + bob, halfWidth: 9 * s, halfHeight: 12, corner: 3, trousers.scaled(0.8))
        for foot in 0..<2 {
            let side: Float = foot == 0 ? -1 : 1
            let k = schedule.strike(of: foot, at: frame)
            let sole = floorY + 0.3 - layout.reach * (1 - k)
            let hipX = cx + side * 5 * s, hipY = 16 + layout.dy + bob
            let ankleX = cx + side * 7 * s, ankleY = sole - 5 * s
            canvas.capsule(hipX, hipY, ankleX, ankleY, radius: 3.2 * s, trousers)
            canvas.box(ankleX + facing * 3 * s, sole - 2.5 * s, halfWidth: 6.5 * s, halfHeight: 2.5 * s, corner: 1.5, shoes)
        }
    }
}
