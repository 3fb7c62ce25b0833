import Foundation
import XCTest

/// Runs the built binary's `toy` on a tiny configuration and checks the table's shape.
final class ToyEndToEndTests: XCTestCase {
    func testTinyRunPrintsTheTableAsJSONAndDrawsTheFigure() throws {
        let dir = try Tool.temporaryDirectory(self)
        let svg = dir.appendingPathComponent("fig.svg").path
        let base = dir.appendingPathComponent("base.safetensors").path
        let r = try Tool.run(["toy", "--base-steps", "30", "--disc-steps", "5", "--samples", "64", "--losses", "full",
                              "--format", "json", "--plot", svg, "--save-base", base])
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: r.stdout) as? [[String: Any]])
        XCTAssertEqual(rows.map { "\($0["setting"] ?? "")/\($0["method"] ?? "")" },
                       ["ind/gt", "ind/no joint", "ind/full", "ood/gt", "ood/no joint", "ood/full"])
        for row in rows {
            XCTAssertNotNil(row["nll"] as? Double)
            let onTarget = try XCTUnwrap(row["on_target"] as? Double)
            XCTAssertTrue((0...1).contains(onTarget))
        }
        // Ground truth is on target whatever the training did.
        XCTAssertGreaterThan(rows[0]["on_target"] as? Double ?? 0, 0.85)
        XCTAssertTrue(try String(contentsOfFile: svg, encoding: .utf8).contains("ood / full"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: base))
        let bad = try Tool.run(["toy", "--losses", "disc,nope"])
        XCTAssertEqual(bad.status, 64)
    }

    /// The discriminator jobs run on several threads; two runs still print the same table.
    func testTwoRunsPrintTheSameTable() throws {
        let args = ["toy", "--base-steps", "20", "--disc-steps", "5", "--samples", "32", "--losses", "full", "--format", "json"]
        let a = try Tool.run(args), b = try Tool.run(args)
        XCTAssertEqual(a.status, 0, a.stderr)
        XCTAssertEqual(b.status, 0, b.stderr)
        XCTAssertFalse(a.stdout.isEmpty)
        XCTAssertEqual(a.stdout, b.stdout)
    }
}
