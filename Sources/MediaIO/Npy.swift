/// The element types the `.npy` reader and writer handle.
public enum NpyDType: String, Sendable, CaseIterable {
    case float32 = "<f4"
    case float64 = "<f8"
    case uint8 = "|u1"
    case int16 = "<i2"
    case int32 = "<i4"
    case int64 = "<i8"

    /// Bytes per element.
    public var byteWidth: Int {
        switch self {
        case .uint8: return 1
        case .int16: return 2
        case .float32, .int32: return 4
        case .float64, .int64: return 8
        }
    }

    /// Parses a numpy `descr`, accepting `<u1`/`|u1` and `|i1`-style spellings of the same type.
    init?(descr: String) {
        switch descr {
        case "<f4": self = .float32
        case "<f8": self = .float64
        case "|u1", "<u1", "u1": self = .uint8
        case "<i2": self = .int16
        case "<i4": self = .int32
        case "<i8": self = .int64
        default: return nil
        }
    }
}

/// A decoded `.npy` array: dtype, shape and the raw little-endian C-order bytes.
public struct NpyArray: Sendable, Equatable {
    /// Element type.
    public var dtype: NpyDType
    /// Shape, outermost first.
    public var shape: [Int]
    /// The data bytes, exactly `shape.product * dtype.byteWidth` long.
    public var data: [UInt8]

    /// Creates an array, checking that the byte count matches the shape.
    public init(dtype: NpyDType, shape: [Int], data: [UInt8]) throws {
        guard let count = NpyArray.elementCount(shape), count * dtype.byteWidth == data.count else {
            throw NpyError.malformed("data is \(data.count) bytes, shape \(shape) of \(dtype.rawValue) needs another size")
        }
        self.dtype = dtype
        self.shape = shape
        self.data = data
    }

    /// A float32 array from values.
    public init(float32 values: [Float], shape: [Int]) throws {
        let bytes = values.withUnsafeBytes { Array($0) }
        try self.init(dtype: .float32, shape: shape, data: bytes)
    }

    /// A uint8 array from values.
    public init(uint8 values: [UInt8], shape: [Int]) throws {
        try self.init(dtype: .uint8, shape: shape, data: values)
    }

    /// The elements as Float (float32 only).
    public func floats() throws -> [Float] {
        guard dtype == .float32 else { throw NpyError.malformed("expected <f4, found \(dtype.rawValue)") }
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map { Float(bitPattern: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self).littleEndian) }
        }
    }

    /// The product of `shape`, or nil when it overflows or has a negative dimension.
    static func elementCount(_ shape: [Int]) -> Int? {
        var n = 1
        for d in shape {
            guard d >= 0 else { return nil }
            let (m, overflow) = n.multipliedReportingOverflow(by: d)
            guard !overflow else { return nil }
            n = m
        }
        return n
    }
}

/// Why a `.npy` file could not be read.
public enum NpyError: Error, CustomStringConvertible, Equatable {
    /// The bytes are not a valid `.npy` file; the text says what is wrong.
    case malformed(String)
    /// A valid file whose features we do not read (Fortran order, big-endian, objects).
    case unsupported(String)

    public var description: String {
        switch self {
        case .malformed(let s): return "malformed npy: \(s)"
        case .unsupported(let s): return "unsupported npy: \(s)"
        }
    }
}
