/// Why a safetensors file could not be read or did not match a model.
public enum SafetensorsError: Error, Equatable, CustomStringConvertible {
    /// The file is shorter than its 8-byte length prefix.
    case truncated(byteCount: Int)
    /// The header length points past the end of the file (or is absurdly large).
    case headerLengthPastEnd(headerLength: UInt64, fileSize: Int)
    /// The header is not a JSON object of the expected form.
    case invalidHeader(String)
    /// A tensor's dtype is not one this reader converts (F32, F16, BF16, F64).
    case unknownDtype(name: String, dtype: String)
    /// A tensor's offsets are not 0 <= begin <= end <= data size.
    case offsetsOutOfRange(name: String, begin: Int, end: Int, dataSize: Int)
    /// Two tensors' byte ranges overlap.
    case overlappingOffsets(String, String)
    /// A tensor's byte count does not equal its element count times its dtype size.
    case byteCountMismatch(name: String, expected: Int, actual: Int)
    /// Loading into a model found mismatches: one line per name.
    case stateDictMismatch([String])
    /// Reading or writing the file failed.
    case io(String)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .truncated(let n): return "safetensors: file of \(n) bytes is truncated (needs 8-byte header length)"
        case .headerLengthPastEnd(let h, let s): return "safetensors: header length \(h) runs past the end of a \(s)-byte file"
        case .invalidHeader(let why): return "safetensors: invalid header: \(why)"
        case .unknownDtype(let n, let d): return "safetensors: tensor '\(n)' has unsupported dtype '\(d)'"
        case .offsetsOutOfRange(let n, let b, let e, let s):
            return "safetensors: tensor '\(n)' data_offsets [\(b), \(e)] outside data of \(s) bytes"
        case .overlappingOffsets(let a, let b): return "safetensors: tensors '\(a)' and '\(b)' overlap"
        case .byteCountMismatch(let n, let e, let a):
            return "safetensors: tensor '\(n)' has \(a) bytes but its shape and dtype need \(e)"
        case .stateDictMismatch(let lines): return "state dict mismatch:\n  " + lines.joined(separator: "\n  ")
        case .io(let why): return "safetensors: \(why)"
        }
    }
}
