#if canImport(Glibc)
import Glibc
#endif

/// libFuzzer entry for the tar and WebDataset readers: any bytes read as samples or throw; an
/// archive that reads cleanly is written again with `TarWriter` and reads back the same.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTar(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    guard let entries = readEntries(bytes) else { return 0 }
    var rewritten: [UInt8] = []
    for entry in entries where !entry.name.utf8.contains(0) {
        TarWriter.encodeEntry(name: entry.name, data: entry.data, mtime: 0, into: &rewritten)
    }
    rewritten += [UInt8](repeating: 0, count: 1024)
    guard let again = readEntries(rewritten) else { preconditionFailure("TarWriter output does not read back") }
    let kept = entries.filter { !$0.name.utf8.contains(0) }
    precondition(again.map(\.name) == kept.map(\.name), "tar round trip changed the names")
    precondition(again.map(\.data) == kept.map(\.data), "tar round trip changed the data")
    _ = samples(bytes)
    return 0
}

/// Every entry of the archive in `bytes`, or nil when the reader throws.
private func readEntries(_ bytes: [UInt8]) -> [TarEntry]? {
    guard let source = memorySource(bytes) else { return nil }
    let reader = TarReader(source: source, maxEntrySize: 1 << 20)
    var entries: [TarEntry] = []
    do {
        while let entry = try reader.next() { entries.append(entry) }
    } catch {
        return nil
    }
    return entries
}

/// Groups the archive into WebDataset samples (the reader `encode` uses), ignoring errors.
private func samples(_ bytes: [UInt8]) -> Int {
    guard let source = memorySource(bytes) else { return 0 }
    let reader = WebDatasetReader(tar: TarReader(source: source))
    var count = 0
    while let sample = try? reader.next() {
        _ = WebDatasetNaming.isValidKey(sample.key)
        count += 1
    }
    return count
}

/// A `ByteSource` over an unlinked /dev/shm file holding `bytes` (the reader takes descriptors):
/// reopened through /proc so the source owns, and closes, its descriptor.
private func memorySource(_ bytes: [UInt8]) -> ByteSource? {
    var template = Array("/dev/shm/fuzz-tar-XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { mkstemp($0) } ?? -1 }
    guard fd >= 0 else { return nil }
    template.withUnsafeBufferPointer { buffer in _ = buffer.baseAddress.map { unlink($0) } }
    defer { close(fd) }
    var offset = 0
    while offset < bytes.count {
        let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return nil }
        offset += n
    }
    return try? ByteSource(path: "/proc/self/fd/\(fd)")
}
