import Tensor
import XCTest
@testable import Guidance

/// The speed-ups of the toy run change no result: the timestep branch run once per distinct
/// step equals running it per row, and the concurrent discriminator jobs give the same
/// samples as one thread.
final class ToySpeedTests: XCTestCase {
    func testDistinctSteps() {
        let s = DistinctSteps([7, 3, 7, 7, 0, 3])
        XCTAssertEqual(s.values, [7, 3, 0])
        XCTAssertEqual(s.index, [0, 1, 0, 0, 2, 1])
    }

    /// Outputs and weight-gradients of a batch with repeated steps equal those of the rows
    /// one at a time (up to Float32 summation order).
    func testSharedTimestepBranchMatchesPerRow() {
        var rng = Xoshiro256(seed: 4)
        let net = ToyMLP(inputDimension: 2, widths: [16, 8], timeDim: 16, steps: 50, rng: &rng)
        let t = [3, 40, 3, 3, 17, 40]
        let x = Tensor.randn([t.count, 2], rng: &rng)
        let batch = net(x, t)
        let grads = gradient(of: batch.sum(), wrt: net.parameters())
        var perRow = [Float]()
        var summed = net.parameters().map { [Float](repeating: 0, count: $0.count) }
        for (i, step) in t.enumerated() {
            let y = net(x.slice(axis: 0, i..<(i + 1)), [step])
            perRow.append(y.item)
            for (k, g) in gradient(of: y.sum(), wrt: net.parameters()).enumerated() {
                for (j, v) in g.scalars.enumerated() { summed[k][j] += v }
            }
        }
        for (a, b) in zip(batch.scalars, perRow) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        for (g, s) in zip(grads, summed) {
            for (a, b) in zip(g.scalars, s) { XCTAssertEqual(a, b, accuracy: 1e-4 + 1e-4 * abs(b)) }
        }
        // one shared step: the branch is broadcast
        let same = net(x, Array(repeating: 9, count: t.count)).scalars
        for i in t.indices {
            XCTAssertEqual(same[i], net(x.slice(axis: 0, i..<(i + 1)), [9]).item, accuracy: 1e-5)
        }
    }

    /// Two threads and one give bit-identical samples for every discriminator.
    func testConcurrentJobsAreDeterministic() throws {
        var c = ToyConfiguration()
        c.diffusionSteps = 20
        c.baseSteps = 30
        c.discriminatorSteps = 8
        c.batchSize = 32
        c.baseCount = 32
        c.realCount = 16
        c.fakeCount = 16
        c.evaluationCount = 24
        c.baseWidths = [8, 8]
        c.baseTimeDim = 8
        c.discriminatorWidths = [8]
        c.discriminatorTimeDim = 8
        var one = c
        one.concurrentJobs = 1
        var two = c
        two.concurrentJobs = 2
        let base = try ToyExperiment(c).trainBase().model
        let a = try ToyExperiment(one).run(base: base)
        let b = try ToyExperiment(two).run(base: base)
        let b2 = try ToyExperiment(two).run(base: base)
        XCTAssertEqual(a.map(\.method), ["GT", "no joint", "disc", "dsm", "full", "GT", "no joint", "disc", "dsm", "full"])
        XCTAssertEqual(a.map(\.samples.values), b.map(\.samples.values))
        XCTAssertEqual(b.map(\.samples.values), b2.map(\.samples.values))
        XCTAssertEqual(a.map(\.nll), b.map(\.nll))
        // the jobs really differ, so the comparison is not vacuous
        XCTAssertNotEqual(a[2].samples.values, a[4].samples.values)
    }
}
