import Foundation

/// A safetensors file: named tensors (as Float32) plus optional string metadata.
///
/// Format: 8-byte little-endian header length N, N bytes of JSON
/// `{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}`,
/// then the data; offsets are relative to the data start.
public struct Safetensors {
    /// One stored tensor's description.
    public struct Entry: Equatable, Sendable {
        /// Stored dtype name (F32, F16, BF16, F64).
        public let dtype: String
        /// Shape.
        public let shape: [Int]
    }

    /// Tensors by name, converted to Float32.
    public var tensors: [String: Tensor]
    /// Stored dtype and shape by name.
    public var entries: [String: Entry]
    /// The `__metadata__` map.
    public var metadata: [String: String]

    static let dtypeSizes: [String: Int] = ["F32": 4, "F16": 2, "BF16": 2, "F64": 8]

    /// Reads and validates a file.
    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw SafetensorsError.io("cannot read \(url.path): \(error)") }
        try self.init(data: data)
    }

    /// Parses and validates bytes; never reads outside `data`.
    public init(data: Data) throws {
        let bytes = [UInt8](data)
        guard bytes.count >= 8 else { throw SafetensorsError.truncated(byteCount: bytes.count) }
        var n: UInt64 = 0
        for i in 0..<8 { n |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard n <= UInt64(bytes.count - 8), n <= 100_000_000 else {
            throw SafetensorsError.headerLengthPastEnd(headerLength: n, fileSize: bytes.count)
        }
        let headerEnd = 8 + Int(n)
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: Data(bytes[8..<headerEnd])) } catch {
            throw SafetensorsError.invalidHeader("not JSON")
        }
        guard let header = json as? [String: Any] else { throw SafetensorsError.invalidHeader("not a JSON object") }
        let dataSize = bytes.count - headerEnd
        var tensors: [String: Tensor] = [:], entries: [String: Entry] = [:], metadata: [String: String] = [:]
        var ranges: [(String, Int, Int)] = []
        for (name, value) in header {
            if name == "__metadata__" {
                guard let m = value as? [String: Any] else { throw SafetensorsError.invalidHeader("__metadata__ is not an object") }
                for (k, v) in m {
                    guard let s = v as? String else { throw SafetensorsError.invalidHeader("__metadata__ value '\(k)' is not a string") }
                    metadata[k] = s
                }
                continue
            }
            guard let d = value as? [String: Any], let dtype = d["dtype"] as? String,
                  let shapeAny = d["shape"] as? [Any], let offAny = d["data_offsets"] as? [Any], offAny.count == 2 else {
                throw SafetensorsError.invalidHeader("entry '\(name)' needs dtype, shape and two data_offsets")
            }
            guard let shape = Self.integers(shapeAny), let off = Self.integers(offAny) else {
                throw SafetensorsError.invalidHeader("entry '\(name)' has non-integer or negative shape or offsets")
            }
            guard let size = Self.dtypeSizes[dtype] else { throw SafetensorsError.unknownDtype(name: name, dtype: dtype) }
            guard off[0] <= off[1], off[1] <= dataSize else {
                throw SafetensorsError.offsetsOutOfRange(name: name, begin: off[0], end: off[1], dataSize: dataSize)
            }
            var elements = 1
            for s in shape {
                let (p, o) = elements.multipliedReportingOverflow(by: s)
                guard !o else { throw SafetensorsError.invalidHeader("entry '\(name)' shape overflows") }
                elements = p
            }
            let (expected, o) = elements.multipliedReportingOverflow(by: size)
            guard !o, expected == off[1] - off[0] else {
                throw SafetensorsError.byteCountMismatch(name: name, expected: o ? Int.max : expected, actual: off[1] - off[0])
            }
            ranges.append((name, off[0], off[1]))
            entries[name] = Entry(dtype: dtype, shape: shape)
            tensors[name] = Self.decode(bytes, from: headerEnd + off[0], count: elements, dtype: dtype, shape: shape)
        }
        ranges.sort { ($0.1, $0.2) < ($1.1, $1.2) }
        for i in ranges.indices.dropFirst() where ranges[i].1 < ranges[i - 1].2 {
            throw SafetensorsError.overlappingOffsets(ranges[i - 1].0, ranges[i].0)
        }
        self.tensors = tensors
        self.entries = entries
        self.metadata = metadata
    }

    /// Non-negative integers from JSON numbers, or nil.
    private static func integers(_ a: [Any]) -> [Int]? {
        var out: [Int] = []
        for v in a {
            guard let num = v as? NSNumber else { return nil }
            let d = num.doubleValue
            guard d >= 0, d <= 9.0e15, d == d.rounded() else { return nil }
            out.append(num.intValue)
        }
        return out
    }

    /// Converts little-endian stored elements to a Float32 tensor.
    private static func decode(_ b: [UInt8], from start: Int, count: Int, dtype: String, shape: [Int]) -> Tensor {
        var v = [Float](repeating: 0, count: count)
        for i in 0..<count {
            switch dtype {
            case "F32":
                let o = start + 4 * i
                let u = UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
                v[i] = Float(bitPattern: u)
            case "F64":
                var u: UInt64 = 0
                for k in 0..<8 { u |= UInt64(b[start + 8 * i + k]) << (8 * UInt64(k)) }
                v[i] = Float(Double(bitPattern: u))
            case "BF16":
                let o = start + 2 * i
                v[i] = Float(bitPattern: (UInt32(b[o]) | UInt32(b[o + 1]) << 8) << 16)
            default: // F16
                let o = start + 2 * i
                v[i] = halfToFloat(UInt16(b[o]) | UInt16(b[o + 1]) << 8)
            }
        }
        return Tensor(shape: shape, data: v)
    }

    /// Writes Float32 tensors in the given order, with optional metadata.
    public static func write(_ tensors: [(String, Tensor)], metadata: [String: String] = [:], to url: URL) throws {
        var entries: [String] = []
        var offset = 0
        func quote(_ s: String) -> String {
            let d = (try? JSONSerialization.data(withJSONObject: [s])) ?? Data("[\"\"]".utf8)
            let str = String(decoding: d, as: UTF8.self)
            return String(str.dropFirst().dropLast())
        }
        if !metadata.isEmpty {
            let kv = metadata.keys.sorted().map { "\(quote($0)):\(quote(metadata[$0] ?? ""))" }
            entries.append("\"__metadata__\":{\(kv.joined(separator: ","))}")
        }
        for (name, t) in tensors {
            let end = offset + 4 * t.count
            entries.append("\(quote(name)):{\"dtype\":\"F32\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var header = Array("{\(entries.joined(separator: ","))}".utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var out = Data(capacity: 8 + header.count + offset)
        var n = UInt64(header.count).littleEndian
        withUnsafeBytes(of: &n) { out.append(contentsOf: $0) }
        out.append(contentsOf: header)
        for (_, t) in tensors {
            t.withUnsafeBufferPointer { p in
                for x in p {
                    var u = x.bitPattern.littleEndian
                    withUnsafeBytes(of: &u) { out.append(contentsOf: $0) }
                }
            }
        }
        do { try out.write(to: url) } catch { throw SafetensorsError.io("cannot write \(url.path): \(error)") }
    }
}

/// IEEE binary16 to Float32.
func halfToFloat(_ h: UInt16) -> Float {
    let sign = UInt32(h >> 15) << 31
    let exp = Int((h >> 10) & 0x1F)
    let frac = UInt32(h & 0x3FF)
    if exp == 0 {
        let mag = Float(frac) * 0x1p-24
        return sign != 0 ? -mag : mag
    }
    if exp == 31 { return Float(bitPattern: sign | 0x7F80_0000 | frac << 13) }
    return Float(bitPattern: sign | UInt32(exp - 15 + 127) << 23 | frac << 13)
}

extension Module {
    /// Saves the parameters under their state_dict names.
    public func save(to url: URL, metadata: [String: String] = [:]) throws {
        try Safetensors.write(namedParameters(), metadata: metadata, to: url)
    }

    /// Copies every parameter from a file after checking every name, dtype and shape.
    ///
    /// Throws `.stateDictMismatch` listing each missing, unexpected, wrong-dtype and wrong-shape
    /// name; nothing is copied then. F16/BF16/F64 entries are accepted when `allowConversion`.
    public func load(from file: Safetensors, allowConversion: Bool = false) throws {
        var problems: [String] = []
        let params = namedParameters()
        let names = Set(params.map(\.0))
        for (name, p) in params {
            guard let e = file.entries[name] else { problems.append("\(name): missing"); continue }
            if e.dtype != "F32" && !allowConversion { problems.append("\(name): dtype \(e.dtype), expected F32") }
            if e.shape != p.shape { problems.append("\(name): shape \(e.shape), expected \(p.shape)") }
        }
        for name in file.entries.keys.sorted() where !names.contains(name) { problems.append("\(name): unexpected") }
        guard problems.isEmpty else { throw SafetensorsError.stateDictMismatch(problems) }
        for (name, p) in params { if let t = file.tensors[name] { p.assign(t) } }
    }

    /// Reads a file and loads it (see `load(from:allowConversion:)`).
    public func load(contentsOf url: URL, allowConversion: Bool = false) throws {
        try load(from: Safetensors(contentsOf: url), allowConversion: allowConversion)
    }
}
