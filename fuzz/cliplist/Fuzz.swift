/// libFuzzer entry for the clip-list parser `prep` reads: any text gives entries with
/// consecutive indices, increasing line numbers, no line ending in a path, no blank or comment line.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzClipList(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let entries = ClipList.parse(String(decoding: bytes, as: UTF8.self))
    var lastLine = 0
    for (i, entry) in entries.enumerated() {
        precondition(entry.index == i, "indices are consecutive")
        precondition(entry.lineNumber > lastLine, "line numbers increase")
        lastLine = entry.lineNumber
        precondition(!entry.path.contains("\n") && !entry.path.contains("\r\n"), "a path holds a line ending")
        let trimmed = entry.line.drop { $0 == " " || $0 == "\t" }
        precondition(!trimmed.isEmpty && !trimmed.hasPrefix("#"), "a blank or comment line became an entry")
        if let shard = ShardSpec("\(i % 5)/5") { _ = shard.contains(entry) }
    }
    return 0
}
