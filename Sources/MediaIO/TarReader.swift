/// One file read from a tar archive.
public struct TarEntry: Sendable {
    /// The full path, from the pax `path` record, a GNU long name, or prefix + name.
    public var name: String
    /// The file's bytes.
    public var data: [UInt8]
}

/// Why a tar archive could not be read.
public enum TarError: Error, CustomStringConvertible, Equatable {
    /// A header or record is damaged; the text says where and how.
    case malformed(String)
    /// An entry is larger than the reader's limit.
    case tooLarge(name: String, size: Int, limit: Int)

    public var description: String {
        switch self {
        case .malformed(let s): return "malformed tar: \(s)"
        case let .tooLarge(name, size, limit): return "tar entry \(name) is \(size) bytes, over the limit of \(limit)"
        }
    }
}

/// Reads regular-file entries from a ustar/pax/GNU tar stream, one at a time, bounds-checked.
public final class TarReader {
    private let source: ByteSource
    /// Largest entry accepted, in bytes (a damaged size field must not allocate gigabytes).
    public let maxEntrySize: Int
    private var entryIndex = 0

    /// Reads from `source`, refusing entries larger than `maxEntrySize`.
    public init(source: ByteSource, maxEntrySize: Int = 1 << 30) {
        self.source = source
        self.maxEntrySize = maxEntrySize
    }

    /// True when the stream starts with a valid tar header (used to recognise a tar on stdin).
    public static func looksLikeTar(_ firstBlock: [UInt8]) -> Bool {
        guard firstBlock.count >= 512 else { return false }
        let magic = Array(firstBlock[257..<262])
        guard magic == Array("ustar".utf8) else { return false }
        return verifyChecksum(firstBlock)
    }

    /// Returns the next regular file, or nil at the end of the archive.
    public func next() throws -> TarEntry? {
        var longName: String?
        while true {
            let block = try source.read(upTo: 512)
            if block.isEmpty { return nil }  // tolerate a missing end marker
            guard block.count == 512 else { throw TarError.malformed("truncated header at entry \(entryIndex)") }
            if block.allSatisfy({ $0 == 0 }) { return nil }
            guard Self.verifyChecksum(block) else {
                throw TarError.malformed("bad header checksum at entry \(entryIndex)")
            }
            let type = block[156]
            let size = try Self.parseSize(block, entry: entryIndex)
            let headerName = Self.headerName(block)
            guard size <= maxEntrySize else { throw TarError.tooLarge(name: longName ?? headerName, size: size, limit: maxEntrySize) }
            let data = try source.read(upTo: size)
            guard data.count == size else {
                throw TarError.malformed("entry \(longName ?? headerName) truncated: \(data.count) of \(size) bytes")
            }
            let pad = (512 - size % 512) % 512
            guard try source.read(upTo: pad).count == pad else {
                throw TarError.malformed("entry \(longName ?? headerName) truncated in padding")
            }
            switch type {
            case UInt8(ascii: "x"):
                if let path = try Self.paxPath(data) { longName = path }
            case UInt8(ascii: "g"):
                continue
            case UInt8(ascii: "L"):
                longName = String(decoding: data.prefix { $0 != 0 }, as: UTF8.self)
            case UInt8(ascii: "0"), 0, UInt8(ascii: "7"):
                entryIndex += 1
                return TarEntry(name: longName ?? headerName, data: data)
            default:
                longName = nil  // directories, links and others are skipped
                entryIndex += 1
            }
        }
    }

    static func verifyChecksum(_ block: [UInt8]) -> Bool {
        guard let stored = parseOctal(block[148..<156]) else { return false }
        var sum = 0
        for i in 0..<512 { sum += (148..<156).contains(i) ? 32 : Int(block[i]) }
        return stored == sum
    }

    static func parseOctal(_ field: ArraySlice<UInt8>) -> Int? {
        var value = 0
        var seenDigit = false
        for b in field {
            if b == 0 || b == UInt8(ascii: " ") { if seenDigit { break } else { continue } }
            guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "7") else { return nil }
            let (m, o) = value.multipliedReportingOverflow(by: 8)
            guard !o else { return nil }
            value = m + Int(b - UInt8(ascii: "0"))
            seenDigit = true
        }
        return value
    }

    static func parseSize(_ block: [UInt8], entry: Int) throws -> Int {
        if block[124] & 0x80 != 0 {
            var v = 0
            for b in block[125..<136] {
                guard v < (Int.max >> 8) else { throw TarError.malformed("size too large at entry \(entry)") }
                v = v << 8 | Int(b)
            }
            return v
        }
        guard let size = parseOctal(block[124..<136]) else { throw TarError.malformed("bad size field at entry \(entry)") }
        return size
    }

    static func headerName(_ block: [UInt8]) -> String {
        let name = String(decoding: block[0..<100].prefix { $0 != 0 }, as: UTF8.self)
        let prefix = String(decoding: block[345..<500].prefix { $0 != 0 }, as: UTF8.self)
        return prefix.isEmpty ? name : prefix + "/" + name
    }

    /// Extracts the `path` record of a pax extended header, validating every record length.
    static func paxPath(_ data: [UInt8]) throws -> String? {
        var i = 0
        var path: String?
        while i < data.count {
            var j = i
            var length = 0
            while j < data.count, data[j] != UInt8(ascii: " ") {
                guard data[j] >= UInt8(ascii: "0"), data[j] <= UInt8(ascii: "9"), length < 1 << 30 else {
                    throw TarError.malformed("bad pax record length")
                }
                length = length * 10 + Int(data[j] - UInt8(ascii: "0"))
                j += 1
            }
            guard length > j - i + 1, i + length <= data.count, data[i + length - 1] == UInt8(ascii: "\n") else {
                throw TarError.malformed("bad pax record")
            }
            let record = data[(j + 1)..<(i + length - 1)]
            if let eq = record.firstIndex(of: UInt8(ascii: "=")) {
                let key = String(decoding: record[record.startIndex..<eq], as: UTF8.self)
                if key == "path" { path = String(decoding: record[(eq + 1)...], as: UTF8.self) }
            }
            i += length
        }
        return path
    }
}
