import XCTest
@testable import Guidance

/// The CFG and joint-guidance formulas on predictors and discriminators with known outputs.
final class GuidanceCombinationTests: XCTestCase {
    let schedule = NoiseSchedule.toy()
    let text: Condition = [1, 2]

    /// A predictor giving 3 with the text and 1 without.
    var base: ConstantPredictor { ConstantPredictor { $0 == nil ? 1 : 3 } }

    func testClassifierFreeGuidanceCombination() throws {
        let x = Batch(shape: [2, 3])
        let cfg = ClassifierFreeGuidance(base, scale: 2)
        // u + w (c - u) = 1 + 2 (3 - 1) = 5
        XCTAssertEqual(try cfg.predictNoise(x, step: 0, condition: text).values, Array(repeating: 5, count: 6))
        // No condition: the unconditional prediction.
        XCTAssertEqual(try cfg.predictNoise(x, step: 0, condition: nil).values, Array(repeating: 1, count: 6))
        // w = 1 is the conditional prediction, with one evaluation only.
        let counting = CountingPredictor(SingleModality(base))
        let one = ClassifierFreeGuidance(counting, scale: 1)
        XCTAssertEqual(try one.predictNoise([x], step: 0, condition: text)[0].values, Array(repeating: 3, count: 6))
        XCTAssertEqual(counting.calls, 1)
        // w = 0 is the unconditional prediction.
        XCTAssertEqual(try ClassifierFreeGuidance(base, scale: 0).predictNoise(x, step: 0, condition: text).values,
                       Array(repeating: 1, count: 6))
    }

    func testResidualIsMinusSigmaTimesTheChainRuledGradient() throws {
        let d = ConstantDiscriminator(logit: 0.7, gradient: { _ in 2 })
        let a = Batch(shape: [2, 1, 5]), v = Batch(shape: [2, 2, 3, 4])
        for transform in [LogitTransform.identity, .released] {
            let joint = try JointGuidance(base: IndependentModalities([base, base]), discriminator: d,
                                          schedules: [schedule, schedule], scales: [1, 1], transform: transform)
            let r = try joint.residuals([a, v], step: 200, condition: nil)
            XCTAssertEqual(r[0].shape, a.shape)
            XCTAssertEqual(r[1].shape, v.shape)
            let expected = -schedule.sigma(200) * transform.derivative(0.7) * 2
            XCTAssertEqual(Double(r[0].values[3]), expected, accuracy: 1e-6)
            XCTAssertEqual(Double(r[1].values[17]), expected, accuracy: 1e-6)
            XCTAssertLessThan(expected, 0)  // a positive gradient lowers eps (pushes x towards "real")
        }
        let joint = try JointGuidance(base: IndependentModalities([base, base]), discriminator: d,
                                      schedules: [schedule, schedule], scales: [1, 1])
        XCTAssertThrowsError(try joint.residuals([a, Batch(shape: [3, 2])], step: 0, condition: nil))
        XCTAssertThrowsError(try joint.residuals([a, v], step: 500, condition: nil))
        XCTAssertThrowsError(try JointGuidance(base: IndependentModalities([base, base]), discriminator: d,
                                               schedules: [schedule, try NoiseSchedule.linear(steps: 100)], scales: [1, 1]))
    }

    /// The released formula: `eps_m = [u + w(c - u)] + js_m [r_u + w(r_c - r_u)]`.
    func testJointGuidanceUnderClassifierFreeGuidance() throws {
        // Gradients: 2 with the text, -1 without; identity transform so r = -sigma * gradient.
        let d = ConstantDiscriminator(logit: 0, gradient: { $0 == nil ? -1 : 2 })
        let schedule2 = try NoiseSchedule.scaledLinear(steps: 500)
        let joint = try JointGuidance(base: IndependentModalities([base, base]), discriminator: d,
                                      schedules: [schedule, schedule2], scales: [0.5, 8], transform: .identity)
        let w = 2.0
        let guided = ClassifierFreeGuidance(joint, scale: w)
        let step = 123
        let eps = try guided.predictNoise([Batch(shape: [4, 1]), Batch(shape: [4, 3])], step: step, condition: text)
        for (m, (s, js)) in zip([schedule, schedule2], [0.5, 8.0]).enumerated() {
            let sigma = s.sigma(step)
            let rU = -sigma * -1, rC = -sigma * 2
            let expected = (1 + w * (3 - 1)) + js * (rU + w * (rC - rU))
            for value in eps[m].values { XCTAssertEqual(Double(value), expected, accuracy: 1e-5) }
        }
        // Zero joint scales give the base alone and never call the discriminator.
        let none = try JointGuidance(base: IndependentModalities([base]), discriminator: FailingDiscriminator(),
                                     schedules: [schedule], scales: [0])
        XCTAssertEqual(try none.predictNoise([Batch(shape: [2, 1])], step: 0, condition: text)[0].values, [3, 3])
    }
}

/// A discriminator that must not be called.
private struct FailingDiscriminator: Discriminator {
    func logitsAndGradients(_ x: [Batch], step: Int, condition: Condition?) throws -> DiscriminatorOutput {
        throw GuidanceError.invalidConfiguration("the discriminator was called")
    }
}
