import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Bugs the hostile corpus found in `prep`, each pinned by the input that showed it.
final class HostilePrepRegressionTests: XCTestCase {
    var fixture: String { Tool.packageRoot.appendingPathComponent("fixtures/sample-clip.mp4").path }

    // Found by the hostile corpus: /dev/zero (size 0 in stat) was reported as "empty file (0 bytes)".
    func testRegressionCharacterDeviceIsNotCalledAnEmptyFile() throws {
        let r = try Tool.run(["prep", "--timeout", "20"], stdin: Data("/dev/zero\n".utf8))
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("line 1: failed: /dev/zero: "), r.stderr)
        XCTAssertFalse(r.stderr.contains("empty file"), r.stderr)
    }
}
