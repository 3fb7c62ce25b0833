import MediaIO

/// One usable line of a clip list: a path and an optional caption.
struct ClipListEntry: Sendable, Equatable {
    /// Position among the usable lines, counting from 0; keys are built from it.
    var index: Int
    /// 1-based line number in the list file, for messages.
    var lineNumber: Int
    /// The media path ("-" is refused in lists: stdin carries the list itself).
    var path: String
    /// The caption after the TAB, if any.
    var caption: String?
    /// The line as written (without line ending), for the report.
    var line: String
}

/// Parses clip lists: one path per line, optionally a TAB and a caption.
///
/// A UTF-8 byte-order mark is ignored, CRLF and LF both end lines, blank lines and lines
/// starting with `#` are skipped. Duplicate paths are kept (each is its own entry and key).
enum ClipList {
    /// Parses the whole text of a list.
    static func parse(_ text: String) -> [ClipListEntry] {
        var body = Substring(text)
        if body.hasPrefix("\u{FEFF}") { body = body.dropFirst() }
        var entries: [ClipListEntry] = []
        for (n, rawLine) in body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            var line = rawLine
            if line.hasSuffix("\r") { line = line.dropLast() }
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let parts = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
            let path = String(parts[0])
            let caption = parts.count > 1 ? String(parts[1]) : nil
            entries.append(ClipListEntry(index: entries.count, lineNumber: n + 1, path: path,
                                         caption: caption?.isEmpty == true ? nil : caption, line: String(line)))
        }
        return entries
    }
}

extension ClipList {
    /// Throws unless a list line's path names a file: "-" would read stdin (which carries the
    /// list, or nothing), and an empty path (a line that starts with its TAB) names nothing.
    static func requireFile(_ path: String) throws {
        if path.isEmpty || path == "-" {
            throw MediaError(input: path.isEmpty ? "(empty path)" : path,
                             reason: "a list line must name a file (stdin cannot be used in a list)",
                             kind: .unsupported)
        }
    }
}

/// `--shard K/N`: keep the entries whose index mod N is K.
struct ShardSpec: Sendable, Equatable, CustomStringConvertible {
    /// Which shard, 0 ≤ index < count.
    var index: Int
    /// How many shards in all.
    var count: Int

    /// Parses "K/N".
    init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, k >= 0, k < n else { return nil }
        index = k
        count = n
    }

    /// True when `entry` belongs to this shard.
    func contains(_ entry: ClipListEntry) -> Bool { entry.index % count == index }

    var description: String { "\(index)/\(count)" }
}
