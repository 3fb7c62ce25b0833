import Foundation
import XCTest
@testable import Tensor

/// Round trips, model loading checks, malformed files, and interop with Python's `safetensors`.
final class SafetensorsTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("tensor-st-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// A file with the given JSON header and data bytes.
    func file(_ header: String, data: [UInt8] = [], lengthOverride: UInt64? = nil) -> Data {
        var d = Data()
        var n = (lengthOverride ?? UInt64(header.utf8.count)).littleEndian
        withUnsafeBytes(of: &n) { d.append(contentsOf: $0) }
        d.append(contentsOf: Array(header.utf8))
        d.append(contentsOf: data)
        return d
    }

    func expect(_ data: Data, _ expected: SafetensorsError, line: UInt = #line) {
        XCTAssertThrowsError(try Safetensors(data: data), line: line) { e in
            XCTAssertEqual(e as? SafetensorsError, expected, line: line)
        }
    }

    func testRoundTripWithMetadata() throws {
        let a = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6]), b = Tensor(shape: [], data: [-7.5])
        let url = dir.appendingPathComponent("x.safetensors")
        try Safetensors.write([("a.weight", a), ("b", b)], metadata: ["format": "pt"], to: url)
        let f = try Safetensors(contentsOf: url)
        XCTAssertEqual(f.tensors["a.weight"]?.scalars, a.scalars)
        XCTAssertEqual(f.tensors["a.weight"]?.shape, [2, 3])
        XCTAssertEqual(f.tensors["b"]?.shape, [])
        XCTAssertEqual(f.metadata, ["format": "pt"])
    }

    func testMalformedFiles() {
        let ok = #"{"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        XCTAssertNoThrow(try Safetensors(data: file(ok, data: [UInt8](repeating: 0, count: 8))))
        expect(Data([1, 2, 3]), .truncated(byteCount: 3))
        expect(file(ok, data: [0, 0, 0, 0, 0, 0, 0, 0], lengthOverride: 1 << 40),
               .headerLengthPastEnd(headerLength: 1 << 40, fileSize: 8 + ok.utf8.count + 8))
        expect(file("{not json"), .invalidHeader("not JSON"))
        expect(file("[1,2]"), .invalidHeader("not a JSON object"))
        expect(file(#"{"t":{"dtype":"F32","shape":[2]}}"#), .invalidHeader("entry 't' needs dtype, shape and two data_offsets"))
        expect(file(#"{"t":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8)),
               .invalidHeader("entry 't' has non-integer or negative shape or offsets"))
        expect(file(#"{"t":{"dtype":"Q4","shape":[2],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8)),
               .unknownDtype(name: "t", dtype: "Q4"))
        // data truncated: offsets run past the end
        expect(file(ok, data: [0, 0, 0, 0]), .offsetsOutOfRange(name: "t", begin: 0, end: 8, dataSize: 4))
        expect(file(#"{"t":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#, data: [UInt8](repeating: 0, count: 8)),
               .offsetsOutOfRange(name: "t", begin: 8, end: 0, dataSize: 8))
        expect(file(#"{"t":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8)),
               .byteCountMismatch(name: "t", expected: 12, actual: 8))
        let overlap = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
        expect(file(overlap, data: [UInt8](repeating: 0, count: 12)), .overlappingOffsets("a", "b"))
        expect(file(#"{"__metadata__":{"k":1}}"#), .invalidHeader("__metadata__ value 'k' is not a string"))
    }

    func testHalfPrecisionConversion() throws {
        // F16 1.0 = 0x3C00, -2.0 = 0xC000; BF16 1.5 = 0x3FC0
        let h = #"{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[1],"data_offsets":[4,6]}}"#
        let f = try Safetensors(data: file(h, data: [0x00, 0x3C, 0x00, 0xC0, 0xC0, 0x3F]))
        XCTAssertEqual(f.tensors["h"]?.scalars, [1, -2])
        XCTAssertEqual(f.tensors["b"]?.scalars, [1.5])
    }

    func testModelLoadReportsEveryMismatchByName() throws {
        var rng = Xoshiro256(seed: 1)
        let lin = Linear(3, 2, rng: &rng)
        let url = dir.appendingPathComponent("bad.safetensors")
        try Safetensors.write([("weight", Tensor.zeros([2, 4])), ("extra", Tensor.zeros([1]))], to: url)
        XCTAssertThrowsError(try lin.load(contentsOf: url)) { e in
            XCTAssertEqual(e as? SafetensorsError, .stateDictMismatch([
                "weight: shape [2, 4], expected [2, 3]", "bias: missing", "extra: unexpected"]))
        }
        let other = Linear(3, 2, rng: &rng)
        let good = dir.appendingPathComponent("good.safetensors")
        try other.save(to: good)
        try lin.load(contentsOf: good)
        XCTAssertEqual(lin.weight.scalars, other.weight.scalars)
    }

    /// Runs python3 with a script; nil (and the test skipped) when numpy or safetensors is missing.
    func python(_ script: String) throws -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = Pipe()
        do { try p.run() } catch { return nil }
        p.waitUntilExit()
        let s = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return p.terminationStatus == 0 ? s : nil
    }

    func testInteropWithPythonSafetensors() throws {
        guard try python("import numpy, safetensors.numpy") != nil else {
            throw XCTSkip("python3 with numpy and safetensors not available: interop not tested")
        }
        let fromPy = dir.appendingPathComponent("py.safetensors").path
        let script = """
        import numpy as np
        from safetensors.numpy import save_file
        save_file({"w": np.arange(6, dtype=np.float32).reshape(2, 3) / 4, "h": np.array([1, -2], dtype=np.float16)},
                  "\(fromPy)", metadata={"by": "python"})
        print("ok")
        """
        XCTAssertEqual(try python(script), "ok\n")
        let f = try Safetensors(contentsOf: URL(fileURLWithPath: fromPy))
        XCTAssertEqual(f.tensors["w"]?.scalars, [0, 0.25, 0.5, 0.75, 1, 1.25])
        XCTAssertEqual(f.tensors["h"]?.scalars, [1, -2])
        XCTAssertEqual(f.metadata["by"], "python")

        let ours = dir.appendingPathComponent("ours.safetensors")
        try Safetensors.write([("a.b", Tensor(shape: [3, 1], data: [1, 2, 3.5]))], metadata: ["k": "v"], to: ours)
        let check = """
        from safetensors.numpy import load_file
        from safetensors import safe_open
        t = load_file("\(ours.path)")["a.b"]
        m = safe_open("\(ours.path)", "np").metadata()
        print(t.shape, t.dtype, t.ravel().tolist(), m)
        """
        XCTAssertEqual(try python(check), "(3, 1) float32 [1.0, 2.0, 3.5] {'k': 'v'}\n")
    }
}
