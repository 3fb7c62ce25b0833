/// One WebDataset sample: the files that share a key, by extension ("audio.npy", "json", ...).
public struct WebDatasetSample: Sendable {
    /// The sample key: the file name up to its first dot (directories kept).
    public var key: String
    /// File contents by extension (everything after the key's dot).
    public var files: [String: [UInt8]]

    /// A sample from its key and files.
    public init(key: String, files: [String: [UInt8]]) {
        self.key = key
        self.files = files
    }
}

/// WebDataset naming: a sample's files are adjacent and named `KEY.EXT`, with no dot in KEY.
public enum WebDatasetNaming {
    /// Splits `dir/000001_w000.audio.npy` into key `dir/000001_w000` and extension `audio.npy`.
    public static func split(_ name: String) -> (key: String, ext: String)? {
        let slash = name.lastIndex(of: "/").map { name.index(after: $0) } ?? name.startIndex
        guard let dot = name[slash...].firstIndex(of: ".") else { return nil }
        return (String(name[..<dot]), String(name[name.index(after: dot)...]))
    }

    /// True when `key` is usable: non-empty, no dot in its last component, no control characters.
    public static func isValidKey(_ key: String) -> Bool {
        guard !key.isEmpty else { return false }
        let last = key.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        return !last.isEmpty && !last.contains(".") && !key.unicodeScalars.contains { $0.value < 0x20 }
    }
}

/// Groups the entries of a tar stream into WebDataset samples, in order.
public final class WebDatasetReader {
    private let tar: TarReader
    private var pending: TarEntry?

    /// Reads samples from `tar`.
    public init(tar: TarReader) { self.tar = tar }

    /// The next sample, or nil at the end; entries without a dot in their name are skipped.
    public func next() throws -> WebDatasetSample? {
        var sample: WebDatasetSample?
        while true {
            let entry: TarEntry
            if let p = pending { entry = p; pending = nil } else if let e = try tar.next() { entry = e } else { return sample }
            guard let (key, ext) = WebDatasetNaming.split(entry.name) else { continue }
            if sample == nil { sample = WebDatasetSample(key: key, files: [:]) }
            if sample?.key == key {
                sample?.files[ext] = entry.data
            } else {
                pending = entry
                return sample
            }
        }
    }
}
