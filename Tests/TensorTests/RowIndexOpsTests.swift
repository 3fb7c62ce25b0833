import XCTest
@testable import Tensor

/// `gatherRows` and `scatterAddRows`: values and first- and second-order gradients.
final class RowIndexOpsTests: XCTestCase {
    func testGatherAndScatterValues() {
        let x = Tensor(shape: [3, 2], data: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(x.gatherRows([2, 0, 2, 1]).shape, [4, 2])
        XCTAssertEqual(x.gatherRows([2, 0, 2, 1]).scalars, [5, 6, 1, 2, 5, 6, 3, 4])
        let g = Tensor(shape: [4, 2], data: [1, 1, 2, 2, 10, 10, 3, 3])
        XCTAssertEqual(g.scatterAddRows([2, 0, 2, 1], rows: 4).scalars, [2, 2, 3, 3, 11, 11, 0, 0])
    }

    func testGradients() {
        let x = randn([3, 4], seed: 1)
        let c = weights([5, 4], seed: 2)
        let index = [1, 0, 1, 2, 1]
        // squared so the second-order check sees a non-constant gradient
        checkFirstAndSecondOrder([x]) { xs in (xs[0].gatherRows(index).pow(2) * c).sum() }
        let g = randn([5, 4], seed: 3)
        let d = weights([3, 4], seed: 4)
        checkFirstAndSecondOrder([g]) { xs in (xs[0].scatterAddRows(index, rows: 3).pow(2) * d).sum() }
    }
}
