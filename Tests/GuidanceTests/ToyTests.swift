import Tensor
import XCTest
@testable import Guidance

/// The toy networks, their adapters, the training losses (incl. the second-order DSM
/// gradient) and a quick end-to-end run.
final class ToyTests: XCTestCase {
    func testParameterCountsMatchTheReference() {
        var rng = Xoshiro256(seed: 0)
        // toy_torch.py reports base 380,673 and discriminator 24,385 parameters.
        XCTAssertEqual(ToyMLP.base(rng: &rng).parameterCount, 380_673)
        XCTAssertEqual(ToyMLP.discriminator(rng: &rng).parameterCount, 24_385)
        XCTAssertEqual(ToyMLP.base(rng: &rng).namedParameters().first?.0, "temb.0.weight")
    }

    func smallDiscriminator(_ seed: UInt64 = 1) -> ToyMLP {
        var rng = Xoshiro256(seed: seed)
        return ToyMLP(inputDimension: 2, widths: [16, 8], timeDim: 16, steps: 500, rng: &rng)
    }

    func randomPairs(_ n: Int, seed: UInt64) throws -> (Batch, Batch) {
        var rng = SeededRNG(seed: seed)
        return (Batch.standardNormal(shape: [n, 1], using: &rng).scaled(2),
                Batch.standardNormal(shape: [n, 1], using: &rng).scaled(2))
    }

    /// `dh/dx` and `dh/dy` from the engine agree with central differences of h (Float32,
    /// step 1e-2, so a tolerance of 2e-3 + 2% leaves room for rounding and curvature).
    func testDiscriminatorInputGradientsMatchFiniteDifferences() throws {
        let net = smallDiscriminator()
        let d = try ToyDiscriminator(net)
        let (x, y) = try randomPairs(8, seed: 3)
        let out = try d.logitsAndGradients([x, y], step: 37, condition: nil)
        func logits(_ x: Batch, _ y: Batch) throws -> [Double] {
            try d.logitsAndGradients([x, y], step: 37, condition: nil).logits
        }
        let e: Float = 1e-2
        for m in 0..<2 {
            var plus = [x, y], minus = [x, y]
            for b in 0..<8 {
                plus[m].values[b] += e
                minus[m].values[b] -= e
            }
            let lp = try logits(plus[0], plus[1]), lm = try logits(minus[0], minus[1])
            for b in 0..<8 {
                let fd = (lp[b] - lm[b]) / (2 * Double(e))
                let g = Double(out.gradients[m].values[b])
                XCTAssertEqual(g, fd, accuracy: 2e-3 + 0.02 * abs(fd), "modality \(m), sample \(b)")
            }
        }
    }

    /// Joint guidance's residual (discriminator's dh/dx times the stable-logit derivative,
    /// computed in Guidance) equals the reference's `-sigma_t d(sum logit_e(h))/dx`
    /// differentiated through `stableLogit` by the engine.
    func testResidualMatchesTheReferenceFormula() throws {
        let net = smallDiscriminator(2)
        let schedule = NoiseSchedule.toy()
        let base = try ToyBaseModel({ var r = Xoshiro256(seed: 4); return ToyMLP(inputDimension: 1, widths: [8], timeDim: 16, steps: 500, rng: &r) }())
        let joint = try JointGuidance(base: IndependentModalities([base, base]), discriminator: ToyDiscriminator(net),
                                      schedules: [schedule, schedule], scales: [1, 1])
        let (x, y) = try randomPairs(16, seed: 5)
        for step in [0, 120, 499] {
            let r = try joint.residuals([x, y], step: step, condition: nil)
            let xy = try pairTensor(x, y).requiringGrad()
            let g = GradMode.with(enabled: true) {
                gradient(of: stableLogit(net(xy, Array(repeating: step, count: 16))).sum(), wrt: [xy])[0]
            }.scalars
            let sigma = schedule.sigma(step)
            for b in 0..<16 {
                XCTAssertEqual(Double(r[0].values[b]), -sigma * Double(g[2 * b]), accuracy: 1e-5)
                XCTAssertEqual(Double(r[1].values[b]), -sigma * Double(g[2 * b + 1]), accuracy: 1e-5)
            }
        }
    }

    /// The weight-gradient of the losses (for DSM a gradient of an input-gradient) agrees with
    /// a central difference along the gradient direction u = g/|g|: `dL/du = |g|` (2%).
    func testLossWeightGradientsMatchFiniteDifferences() throws {
        let trainer = try ToyTrainer(batchSize: 32)
        var r = Xoshiro256(seed: 6)
        let base = try ToyBaseModel(ToyMLP(inputDimension: 1, widths: [8], timeDim: 16, steps: 500, rng: &r))
        var data = SeededRNG(seed: 7)
        let real = ToyData.inDomain.sample(count: 64, using: &data)
        let fake = Batch.standardNormal(shape: [64, 2], using: &data).scaled(2)
        for loss in ToyDiscriminatorLoss.allCases {
            let d = smallDiscriminator(8)
            func value() throws -> (Tensor, ToyStepLosses) {
                var rng = SeededRNG(seed: 9)  // the same batch every time
                let (t, p) = try trainer.discriminatorLoss(d, base: base, real: real, fake: fake, loss: loss, lambda: 1,
                                                           reduction: .sum, rng: &rng)
                return (t, p)
            }
            let (total, parts) = try value()
            XCTAssertEqual(parts.disc == nil, loss == .dsm)
            XCTAssertEqual(parts.dsm == nil, loss == .disc)
            let params = d.parameters()
            let grads = gradient(of: total, wrt: params)
            let norm = grads.map { $0.scalars.map { Double($0) * Double($0) }.reduce(0, +) }.reduce(0, +).squareRoot()
            XCTAssertGreaterThan(norm, 1e-3)
            let e = 1e-2
            func shifted(_ sign: Double) throws -> Double {
                for (p, g) in zip(params, grads) {
                    let gv = g.scalars
                    p.withUnsafeMutableBufferPointer { v in
                        for i in v.indices { v[i] += Float(sign * e * Double(gv[i]) / norm) }
                    }
                }
                defer {
                    for (p, g) in zip(params, grads) {
                        let gv = g.scalars
                        p.withUnsafeMutableBufferPointer { v in
                            for i in v.indices { v[i] -= Float(sign * e * Double(gv[i]) / norm) }
                        }
                    }
                }
                return Double(try value().0.item)
            }
            let fd = (try shifted(1) - (try shifted(-1))) / (2 * e)
            XCTAssertEqual(fd, norm, accuracy: 0.02 * norm, "\(loss)")
        }
    }

    /// A miniature run end to end: base training lowers its loss, and every method is evaluated.
    func testQuickToyRun() throws {
        var c = ToyConfiguration()
        c.diffusionSteps = 20
        c.baseSteps = 300
        c.discriminatorSteps = 10
        c.batchSize = 64
        c.baseCount = 64
        c.realCount = 32
        c.fakeCount = 32
        c.evaluationCount = 48
        c.baseWidths = [16, 16]
        c.baseTimeDim = 16
        c.discriminatorWidths = [8]
        c.discriminatorTimeDim = 8
        c.losses = [.disc, .full]
        c.settings = [.outOfDomain]
        let experiment = try ToyExperiment(c)
        var messages = [String]()
        let (base, losses) = try experiment.trainBase { messages.append($0) }
        XCTAssertEqual(losses.count, 300)
        let first = losses.prefix(50).reduce(0, +) / 50, last = losses.suffix(50).reduce(0, +) / 50
        print("[toy] base loss \(first) -> \(last)")
        XCTAssertLessThan(last, first)
        let results = try experiment.run(base: base) { messages.append($0) }
        XCTAssertEqual(results.map(\.method), ["GT", "no joint", "disc", "full"])
        for r in results {
            XCTAssertEqual(r.samples.shape, [48, 2])
            XCTAssertEqual(r.nll.count, 3)
            XCTAssertTrue(r.nll.allSatisfy { $0.isFinite }, "\(r.method)")
        }
        XCTAssertGreaterThan(results[0].coverage.onTargetFraction, 0.9)  // ground truth
        XCTAssertFalse(messages.isEmpty)
    }

    /// Weights go through safetensors under the reference's state_dict names.
    func testSaveAndLoadRoundTrip() throws {
        var r1 = Xoshiro256(seed: 1), r2 = Xoshiro256(seed: 2)
        let a = ToyMLP.discriminator(rng: &r1), b = ToyMLP.discriminator(rng: &r2)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("toy-disc-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try a.save(to: url)
        try b.load(contentsOf: url)
        let x = Tensor(shape: [3, 2], data: [0.1, -1, 2, 0.5, -3, 3])
        XCTAssertEqual(withoutGrad { a(x, [0, 250, 499]).scalars }, withoutGrad { b(x, [0, 250, 499]).scalars })
        XCTAssertThrowsError(try ToyMLP.base(rng: &r1).load(contentsOf: url))  // names and shapes differ
    }

    func testKDENegativeLogLikelihoodOfOnePoint() throws {
        // One reference point at the origin, h = 0.5, sample at (0.5, 0): NLL = log(2 pi h^2) + 0.5.
        let nll = try ToyMetrics.kdeNegativeLogLikelihood(samples: Batch(shape: [1, 2], values: [0.5, 0]),
                                                          reference: Batch(shape: [1, 2]), bandwidth: 0.5)
        XCTAssertEqual(nll, log(2 * Double.pi * 0.25) + 0.5, accuracy: 1e-12)
    }
}
