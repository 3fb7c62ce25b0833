import MediaIO

/// Reads a whole clip list from a byte source with bounded memory.
///
/// `prep` reads its list before any clip (sharding and keys need every line), so an endless or
/// huge source (`prep < /dev/zero`) must end in a clear error, not in exhausted memory.
enum ClipListReader {
    /// Largest list accepted: 256 MiB, about two million lines of typical paths.
    static let maxBytes = 256 << 20

    /// Why a list could not be read.
    enum Failure: Error, CustomStringConvertible {
        /// The list is longer than the limit.
        case tooLarge(name: String, limit: Int)
        /// SIGINT or SIGTERM arrived while reading.
        case interrupted(signal: Int32)

        var description: String {
            switch self {
            case let .tooLarge(name, limit):
                return "\(name): the list is larger than \(limit >> 20) MiB; split it into several lists"
            case let .interrupted(signal):
                return "interrupted by signal \(signal) while reading the list; nothing was written"
            }
        }
    }

    /// Reads and parses the list in `source`; `interrupted` is polled between chunks.
    static func read(_ source: ByteSource, limit: Int = maxBytes, interrupted: () -> Int32?) throws -> [ClipListEntry] {
        var bytes: [UInt8] = []
        while true {
            if let signal = interrupted() { throw Failure.interrupted(signal: signal) }
            let chunk = try source.read(upTo: 1 << 20)
            if chunk.isEmpty { break }
            guard bytes.count + chunk.count <= limit else { throw Failure.tooLarge(name: source.name, limit: limit) }
            bytes += chunk
        }
        return ClipList.parse(String(decoding: bytes, as: UTF8.self))
    }
}
