import Foundation
import XCTest

/// Access to the reference golden data in `<package root>/../shared/avalign-golden/`.
enum Golden {
    /// `<package root>/../shared`, computed from this file's location.
    static let shared: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()   // AVAlignTests
        .deletingLastPathComponent()   // Tests
        .deletingLastPathComponent()   // package root
        .deletingLastPathComponent()
        .appendingPathComponent("shared")

    static let dir = shared.appendingPathComponent("avalign-golden")

    /// The golden file's URL, or an XCTSkip when the shared data are absent.
    static func url(_ name: String) throws -> URL {
        let u = dir.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: u.path) else {
            throw XCTSkip("golden data not found at \(u.path) (needs ../shared next to the package)")
        }
        return u
    }

    static func data(_ name: String) throws -> Data { try Data(contentsOf: url(name)) }

    static func floats(_ name: String) throws -> [Float] {
        let d = try data(name)
        return d.withUnsafeBytes { raw in
            (0..<(d.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }

    static func json(_ name: String) throws -> [String: Any] {
        let obj = try JSONSerialization.jsonObject(with: data(name))
        guard let dict = obj as? [String: Any] else { throw XCTSkip("\(name) is not a JSON object") }
        return dict
    }

    /// Frame `i` of gray_96x128x128.u8.
    static func grayFrame(_ i: Int) throws -> [UInt8] {
        let d = try data("gray_96x128x128.u8")
        let n = 128 * 128
        return [UInt8](d[(i * n)..<((i + 1) * n)])
    }

    static func grayFrames() throws -> [[UInt8]] {
        let d = try data("gray_96x128x128.u8")
        let n = 128 * 128
        return (0..<(d.count / n)).map { [UInt8](d[($0 * n)..<(($0 + 1) * n)]) }
    }
}

/// Asserts two arrays of times are equal up to a few ulps. Foundation's JSON parser on
/// Linux does not always round decimal doubles correctly (off by one ulp), so the golden
/// values are compared with a relative tolerance of 1e-15.
func assertSameTimes(_ a: [Double], _ b: [Double], file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "count differs: \(a) vs \(b)", file: file, line: line)
    for (x, y) in zip(a, b) {
        XCTAssertLessThanOrEqual(abs(x - y), 1e-15 * max(1, abs(y)), "\(a) vs \(b)", file: file, line: line)
    }
}
