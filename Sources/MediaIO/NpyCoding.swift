/// Serialises and parses the NumPy `.npy` format (versions 1.0 and 2.0, C order, little-endian).
public enum NpyCoding {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // "\x93NUMPY"

    /// Encodes `array` as `.npy` bytes: version 1.0 when the header fits, else 2.0; header padded to 64 bytes.
    public static func encode(_ array: NpyArray) -> [UInt8] {
        let shapeText: String
        switch array.shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(array.shape[0]),)"
        default: shapeText = "(" + array.shape.map(String.init).joined(separator: ", ") + ")"
        }
        let dict = "{'descr': '\(array.dtype.rawValue)', 'fortran_order': False, 'shape': \(shapeText), }"
        var header = Array(dict.utf8)
        let v1 = 10 + header.count + 1 <= 65_535 + 10
        let prefix = v1 ? 10 : 12
        let total = prefix + header.count + 1
        let padded = (total + 63) / 64 * 64
        header += Array(repeating: UInt8(ascii: " "), count: padded - total)
        header.append(UInt8(ascii: "\n"))
        var out = magic
        out.reserveCapacity(padded + array.data.count)
        if v1 {
            out += [1, 0]
            let n = UInt16(header.count)
            out += [UInt8(n & 0xff), UInt8(n >> 8)]
        } else {
            out += [2, 0]
            let n = UInt32(header.count)
            out += [UInt8(n & 0xff), UInt8((n >> 8) & 0xff), UInt8((n >> 16) & 0xff), UInt8(n >> 24)]
        }
        out += header
        out += array.data
        return out
    }

    /// Parses `.npy` bytes, checking every length against the buffer.
    public static func decode(_ bytes: [UInt8]) throws -> NpyArray {
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw NpyError.malformed("missing \\x93NUMPY magic")
        }
        let major = bytes[6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw NpyError.malformed("truncated header length") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw NpyError.unsupported("format version \(major).\(bytes[7])")
        }
        guard headerLength <= bytes.count - headerStart else {
            throw NpyError.malformed("header length \(headerLength) runs past the end of \(bytes.count) bytes")
        }
        let dataStart = headerStart + headerLength
        guard let text = String(validating: bytes[headerStart..<dataStart], as: UTF8.self) else {
            throw NpyError.malformed("header is not text")
        }
        let header = try NpyHeader(parsing: text)
        guard !header.fortranOrder else { throw NpyError.unsupported("Fortran order") }
        guard let dtype = NpyDType(descr: header.descr) else {
            throw NpyError.unsupported("dtype '\(header.descr)'")
        }
        guard let count = NpyArray.elementCount(header.shape),
              case let (size, overflow) = count.multipliedReportingOverflow(by: dtype.byteWidth), !overflow
        else { throw NpyError.malformed("shape \(header.shape) is too large") }
        guard bytes.count - dataStart == size else {
            throw NpyError.malformed("data is \(bytes.count - dataStart) bytes, shape \(header.shape) needs \(size)")
        }
        return try NpyArray(dtype: dtype, shape: header.shape, data: Array(bytes[dataStart...]))
    }
}

/// The three keys of a `.npy` header dictionary, parsed from its Python-literal text.
struct NpyHeader {
    var descr = ""
    var fortranOrder = false
    var shape: [Int] = []

    /// Parses `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }` strictly.
    init(parsing text: String) throws {
        var s = Substring(text.trimmingTrailingWhitespace())
        guard s.first == "{", s.last == "}" else { throw NpyError.malformed("header is not a dict") }
        s = s.dropFirst().dropLast()
        var seen = Set<String>()
        while true {
            s = s.drop(while: { $0 == " " || $0 == "," })
            if s.isEmpty { break }
            let key = try Self.quoted(&s)
            s = s.drop(while: { $0 == " " })
            guard s.first == ":" else { throw NpyError.malformed("expected ':' after '\(key)'") }
            s = s.dropFirst().drop(while: { $0 == " " })
            switch key {
            case "descr": descr = try Self.quoted(&s)
            case "fortran_order":
                if s.hasPrefix("False") { fortranOrder = false; s = s.dropFirst(5) }
                else if s.hasPrefix("True") { fortranOrder = true; s = s.dropFirst(4) }
                else { throw NpyError.malformed("fortran_order is not a bool") }
            case "shape":
                guard s.first == "(", let close = s.firstIndex(of: ")") else {
                    throw NpyError.malformed("shape is not a tuple")
                }
                let inner = s[s.index(after: s.startIndex)..<close]
                shape = try inner.split(separator: ",").compactMap { part -> Int? in
                    let t = part.trimmingCharacters()
                    if t.isEmpty { return nil }
                    guard let v = Int(t), v >= 0 else { throw NpyError.malformed("bad dimension '\(t)'") }
                    return v
                }
                s = s[s.index(after: close)...]
            default: throw NpyError.malformed("unknown key '\(key)'")
            }
            seen.insert(key)
        }
        guard seen == ["descr", "fortran_order", "shape"] else {
            throw NpyError.malformed("header needs descr, fortran_order and shape")
        }
    }

    private static func quoted(_ s: inout Substring) throws -> String {
        guard let q = s.first, q == "'" || q == "\"" else { throw NpyError.malformed("expected a quoted string") }
        let body = s.dropFirst()
        guard let end = body.firstIndex(of: q) else { throw NpyError.malformed("unterminated string") }
        let value = String(body[..<end])
        s = body[body.index(after: end)...]
        return value
    }
}

extension StringProtocol {
    func trimmingTrailingWhitespace() -> String {
        var s = Substring(self)
        while let c = s.last, c == " " || c == "\n" || c == "\r" || c == "\t" { s = s.dropLast() }
        return String(s)
    }

    func trimmingCharacters() -> String {
        String(self.drop(while: { $0 == " " })).trimmingTrailingWhitespace()
    }
}
