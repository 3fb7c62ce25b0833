import XCTest
@testable import Guidance

/// Samplers on modality tuples: each modality keeps its own schedule and shape, and joint
/// guidance works with the fast samplers too.
final class MultiModalSamplingTests: XCTestCase {
    /// Audio: the 1-D base mixture on a linear schedule; video: the 2-D in-domain mixture on a
    /// scaled-linear one (both T = 1000, shared step). Independent predictors must reproduce
    /// each modality, which checks the per-modality alpha, sigma and lambda in every sampler.
    func testIndependentModalitiesWithDifferentSchedules() throws {
        let audioSchedule = try NoiseSchedule.linear(steps: 1000)
        let videoSchedule = try NoiseSchedule.scaledLinear(steps: 1000)
        let model = IndependentModalities([
            GaussianMixturePredictor(mixture: ToyData.base, schedule: audioSchedule),
            GaussianMixturePredictor(mixture: ToyData.inDomain, schedule: videoSchedule),
        ])
        let samplers: [(String, any Sampler)] = [
            ("DDIM 50", try DDIMSampler(steps: 50)),
            ("DPM-Solver++ 2M 20", try DPMSolverPlusPlus(nfe: 20, method: .multistep(order: 2))),
            ("DPM-Solver++ 3S 20", try DPMSolverPlusPlus(nfe: 20, method: .singlestep(order: 3))),
        ]
        for (name, sampler) in samplers {
            var rng = SeededRNG(seed: 3)
            let out = try sampler.sample(model, schedules: [audioSchedule, videoSchedule],
                                         shapes: [[1000, 1], [1000, 2]], rng: &rng)
            XCTAssertEqual(out.map(\.shape), [[1000, 1], [1000, 2]])
            // 2-D threshold 95% as for DPM-Solver++ at 20 NFE in SamplerTests.
            try SamplerTests.assertReproduces(out[0], ToyData.baseMeans, "\(name) audio (linear)",
                                              spread: 0.07...0.12)
            try SamplerTests.assertReproduces(out[1], ToyData.inDomainMeans, "\(name) video (scaled linear)",
                                              minimumOnTarget: 0.95, spread: 0.07...0.12)
        }
        var rng = SeededRNG(seed: 0)
        XCTAssertThrowsError(try DDPMSampler().sample(model, schedules: [audioSchedule, NoiseSchedule.toy()],
                                                      shapes: [[2, 1], [2, 2]], rng: &rng))
        XCTAssertThrowsError(try DDPMSampler().sample(model, schedules: [audioSchedule],
                                                      shapes: [[2, 1], [2, 2]], rng: &rng))
    }

    /// Joint guidance with D* under DPM-Solver++ 3S, 20 NFE (the spec's in-domain sampler,
    /// without thresholding, which is for pixel data): the 2-D target is reached.
    func testJointGuidanceWithDPMSolver() throws {
        let schedule = try NoiseSchedule.linear(steps: 1000)
        let p = GaussianMixturePredictor(mixture: ToyData.base, schedule: schedule)
        for (target, name) in [(ToyData.inDomain, "IND"), (ToyData.outOfDomain, "OOD")] {
            let d = try OptimalDiscriminator(joint: target, marginals: [ToyData.base, ToyData.base], schedule: schedule)
            let joint = try JointGuidance(base: IndependentModalities([p, p]), discriminator: d,
                                          schedules: [schedule, schedule], scales: [1, 1], transform: .identity)
            var rng = SeededRNG(seed: 8)
            let xy = try DPMSolverPlusPlus(nfe: 20, method: .singlestep(order: 3))
                .sample(joint, schedules: [schedule, schedule], shapes: [[1000, 1], [1000, 1]], rng: &rng)
            try SamplerTests.assertReproduces(pairs(xy[0], xy[1]), target.means, "joint \(name) DPM-Solver++ 3S 20",
                                              minimumOnTarget: 0.95,
                                              spread: SamplerTests.around(SamplerTests.spreadAtTEnd, 0.012))
        }
    }
}
