/// A class's picture: props that never move, and actors drawn per frame from the event schedule.
///
/// Every scene follows the same motion rule: an actor rests, jumps by at most `reach`
/// (3.5 to 5 px) in the frame of its event, then returns in shrinking steps
/// (`EventSchedule.strikeProfile`), so each event is one sharp optical-flow peak.
protocol SynthScene: Sendable {
    /// How many actors take turns making events (sticks, feet, fingers, drip points...).
    var actorCount: Int { get }
    /// Whether consecutive events must come from different actors (left and right feet).
    var alternates: Bool { get }
    /// Paints the parts that never move onto the backdrop.
    func paintStatic(on canvas: inout Canvas)
    /// Paints the moving parts of `frame`.
    func paintFrame(_ frame: Int, schedule: EventSchedule, on canvas: inout Canvas)
}

/// Placement shared by all scenes: where the scene sits, how big it is, how far actors strike.
struct SceneLayout: Sendable {
    /// Horizontal and vertical offset of the scene's centre from the image centre, in pixels.
    let dx: Float, dy: Float
    /// Size factor applied to shapes (0.85...1.15).
    let scale: Float
    /// How far an actor jumps at an impact, in pixels (3.5...5: SYNTH.md found ~6 px the limit,
    /// and a large ball moving 5.5 px plus its squash was once under-estimated by Farneback).
    let reach: Float

    /// Draws a placement.
    init(rng: inout Xoshiro256) {
        dx = rng.uniformFloat(-7, 7)
        dy = rng.uniformFloat(-3, 3)
        scale = rng.uniformFloat(0.85, 1.15)
        reach = rng.uniformFloat(3.5, 5)
    }

    /// The scene centre's x.
    var cx: Float { 32 + dx }
}

/// Builds the scene of a class with random layout and colours.
func makeScene(_ kind: SynthClass, backdrop: Backdrop, rng: inout Xoshiro256) -> any SynthScene {
    let layout = SceneLayout(rng: &rng)
    switch kind {
    case .drums: return DrumsScene(layout: layout, backdrop: backdrop, rng: &rng)
    case .hammering: return HammerScene(layout: layout, backdrop: backdrop, rng: &rng)
    case .typing: return TypingScene(layout: layout, backdrop: backdrop, rng: &rng)
    case .bouncingBall: return BallScene(layout: layout, backdrop: backdrop, rng: &rng)
    case .clapping: return ClapScene(layout: layout, backdrop: backdrop, rng: &rng)
    case .footsteps: return FootstepsScene(layout: layout, backdrop: backdrop, rng: &rng)
    case .fireworks: return FireworksScene(layout: layout, backdrop: backdrop, rng: &rng)
    case .dripping: return DripScene(layout: layout, backdrop: backdrop, rng: &rng)
    }
}
