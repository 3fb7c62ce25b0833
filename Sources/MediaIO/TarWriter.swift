/// Writes a POSIX ustar archive, with pax extended headers for names that do not fit.
///
/// Entries are regular files with mode 0644, uid/gid 0 and a fixed mtime, so the same
/// samples always give the same bytes (shards can be compared byte for byte).
public final class TarWriter {
    private let sink: ByteSink
    /// Modification time written into every header (seconds since 1970).
    public let mtime: Int
    private var closed = false

    /// Writes to `sink`; `mtime` defaults to 0 for reproducible archives.
    public init(sink: ByteSink, mtime: Int = 0) {
        self.sink = sink
        self.mtime = mtime
    }

    /// Appends one file entry: header, data, padding to 512 bytes.
    public func append(name: String, data: [UInt8]) throws {
        try appendAll([(name, data)])
    }

    /// Appends several entries with one write call, so a sample is never half written.
    public func appendAll(_ entries: [(name: String, data: [UInt8])]) throws {
        precondition(!closed, "TarWriter used after finish()")
        var out: [UInt8] = []
        out.reserveCapacity(entries.reduce(0) { $0 + 1536 + $1.data.count })
        for entry in entries {
            Self.encodeEntry(name: entry.name, data: entry.data, mtime: mtime, into: &out)
        }
        try sink.write(out)
    }

    /// Writes the end-of-archive marker: two zero blocks.
    public func finish() throws {
        guard !closed else { return }
        closed = true
        try sink.write([UInt8](repeating: 0, count: 1024))
    }

    /// The bytes of one entry (with a pax header first when the name needs one).
    static func encodeEntry(name: String, data: [UInt8], mtime: Int, into out: inout [UInt8]) {
        let nameBytes = Array(name.utf8)
        let split = ustarSplit(nameBytes)
        if split == nil {
            let record = paxRecord(key: "path", value: nameBytes)
            let paxName = Array("PaxHeaders/\(String(decoding: nameBytes.suffix(80), as: UTF8.self))".utf8.prefix(99))
            out += header(name: paxName, prefix: [], size: record.count, mtime: mtime, type: UInt8(ascii: "x"))
            appendPadded(record, into: &out)
        }
        let (prefix, base) = split ?? ([], Array(nameBytes.suffix(99)))
        out += header(name: base, prefix: prefix, size: data.count, mtime: mtime, type: UInt8(ascii: "0"))
        appendPadded(data, into: &out)
    }

    /// Splits a name into ustar's prefix (≤155) and name (≤100) at a slash, or nil if impossible.
    static func ustarSplit(_ name: [UInt8]) -> (prefix: [UInt8], name: [UInt8])? {
        if name.count <= 100 { return ([], name) }
        for i in stride(from: min(name.count - 1, 155), to: 0, by: -1) where name[i] == UInt8(ascii: "/") {
            let rest = Array(name[(i + 1)...])
            if rest.count <= 100 && !rest.isEmpty { return (Array(name[..<i]), rest) }
        }
        return nil
    }

    /// One pax record: "LEN key=value\n" where LEN counts itself.
    static func paxRecord(key: String, value: [UInt8]) -> [UInt8] {
        let body = Array(" \(key)=".utf8) + value + [UInt8(ascii: "\n")]
        var length = body.count + 1
        while String(length).utf8.count + body.count != length { length += 1 }
        return Array(String(length).utf8) + body
    }

    static func appendPadded(_ data: [UInt8], into out: inout [UInt8]) {
        out += data
        let pad = (512 - data.count % 512) % 512
        out += repeatElement(0, count: pad)
    }

    static func header(name: [UInt8], prefix: [UInt8], size: Int, mtime: Int, type: UInt8) -> [UInt8] {
        var h = [UInt8](repeating: 0, count: 512)
        func put(_ bytes: [UInt8], at offset: Int) {
            for (i, b) in bytes.enumerated() { h[offset + i] = b }
        }
        func octal(_ value: Int, width: Int) -> [UInt8] {
            let digits = String(value, radix: 8)
            return Array((String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits).utf8)
        }
        put(name, at: 0)
        put(octal(0o644, width: 8), at: 100)
        put(octal(0, width: 8), at: 108)
        put(octal(0, width: 8), at: 116)
        if size < 0o77777777777 {
            put(octal(size, width: 12), at: 124)
        } else {
            // GNU base-256 for sizes of 8 GiB and more.
            h[124] = 0x80
            var v = size
            for i in stride(from: 135, through: 125, by: -1) { h[i] = UInt8(v & 0xff); v >>= 8 }
        }
        put(octal(mtime, width: 12), at: 136)
        put(Array(repeating: UInt8(ascii: " "), count: 8), at: 148)
        h[156] = type
        put(Array("ustar".utf8) + [0], at: 257)
        put(Array("00".utf8), at: 263)
        put(prefix, at: 345)
        let sum = h.reduce(0) { $0 + Int($1) }
        put(octal(sum, width: 7) + [0], at: 148)
        return h
    }
}
