import XCTest
@testable import Guidance

final class PerModalityGuidanceTests: XCTestCase {
    private let cond: Condition = [1], uncond: Condition = [0]

    private func base() -> IndependentModalities {
        IndependentModalities([ConstantPredictor { $0 == [1] ? 2 : 1 }, ConstantPredictor { $0 == [1] ? 5 : 3 }])
    }

    func testEachModalityGetsItsOwnScale() throws {
        let guided = PerModalityClassifierFreeGuidance(base(), scales: [3, 0.5], unconditional: uncond)
        let x = [Batch(shape: [1, 2]), Batch(shape: [1, 3])]
        let eps = try guided.predictNoise(x, step: 4, condition: cond)
        XCTAssertEqual(eps[0].values, [4, 4], "1 + 3 (2 - 1)")
        XCTAssertEqual(eps[1].values, [4, 4, 4], "3 + 0.5 (5 - 3)")
        let none = try guided.predictNoise(x, step: 4, condition: nil)
        XCTAssertEqual(none[1].values, [3, 3, 3], "no condition: the unconditional prediction")
    }

    func testResidualIsGuidedWithTheModalitysScale() throws {
        // r_m = -sigma_m * logit_e'(h) * g(c): with the identity transform, r = -sigma g.
        let schedule = try NoiseSchedule.linear(steps: 10)
        let joint = try JointGuidance(base: base(), discriminator: ConstantDiscriminator(logit: 0) { $0 == [1] ? 1 : 0 },
                                      schedules: [schedule, schedule], scales: [1, 2], transform: .identity)
        let guided = PerModalityClassifierFreeGuidance(joint, scales: [3, 1], unconditional: uncond)
        let eps = try guided.predictNoise([Batch(shape: [1, 1]), Batch(shape: [1, 1])], step: 5, condition: cond)
        let s = Float(schedule.sigma(5))
        XCTAssertEqual(eps[0].values[0], 4 + 1 * (0 + 3 * (-s - 0)), accuracy: 1e-5)
        XCTAssertEqual(eps[1].values[0], 5 + 2 * (-s), accuracy: 1e-5, "scale 1: only the conditional evaluation")
    }

    func testSingleEvaluationWhenEveryScaleIsOne() throws {
        let counting = CountingPredictor(base())
        _ = try PerModalityClassifierFreeGuidance(counting, scales: [1, 1], unconditional: uncond)
            .predictNoise([Batch(shape: [1, 1]), Batch(shape: [1, 1])], step: 0, condition: cond)
        XCTAssertEqual(counting.calls, 1)
    }

    func testThresholdingCanSkipAModality() throws {
        // From x = 2 with a predictor of zero noise, x0 = x / alpha lies far outside [-1, 1].
        let zero = IndependentModalities([ConstantPredictor { _ in 0 }, ConstantPredictor { _ in 0 }])
        let schedule = try NoiseSchedule.linear(steps: 1000)
        func run(_ thresholding: DynamicThresholding?, only: Set<Int>?) throws -> [Batch] {
            var solver = try DPMSolverPlusPlus(nfe: 3, method: .singlestep(order: 1), thresholding: thresholding)
            solver.thresholdedModalities = only
            var rng = SeededRNG(seed: 1)
            return try solver.sample(zero, schedules: [schedule, schedule],
                                     from: [Batch(shape: [1, 4], repeating: 2), Batch(shape: [1, 4], repeating: 2)],
                                     condition: nil, rng: &rng)
        }
        let all = try run(.spec, only: nil), none = try run(nil, only: nil), mixed = try run(.spec, only: [1])
        XCTAssertNotEqual(all[0].values, none[0].values, "thresholding changes this input")
        XCTAssertEqual(mixed[0].values, none[0].values, "modality 0 is left alone")
        XCTAssertEqual(mixed[1].values, all[1].values, "modality 1 is thresholded")
    }
}
