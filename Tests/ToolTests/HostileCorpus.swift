import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The bad-input corpus of issue #8, generated into a temporary directory (nothing is committed
/// as a blob): tiny clips made by the `ffmpeg` CLI, then damaged, renamed or replaced.
struct HostileCorpus: Sendable {
    /// One hostile list line and the outcome `prep` must give it.
    struct Item: Sendable {
        /// What the item is, for messages and the outcome table.
        var kind: String
        /// The list line's path.
        var path: String
        /// The list line (the path, unless the item is about the line itself).
        var line: String
        /// Statuses `prep --report` may give it (several only where FFmpeg's partial decoding decides).
        var statuses: Set<String>
        /// Text the reason must contain (nil: any non-empty reason).
        var reason: String?
    }

    /// The directory holding everything.
    let directory: URL
    /// Good clips: a 3 s 64x48 H.264/AAC clip at 10 fps, and copies with hostile names.
    let good: [String]
    /// The bad inputs.
    let items: [Item]

    /// True when the `ffmpeg` CLI is on PATH.
    static var hasFFmpeg: Bool { (try? Tool.shell("command -v ffmpeg"))?.status == 0 }

    /// Builds the corpus in `directory` (a few ffmpeg runs, well under a few seconds).
    init(in directory: URL) throws {
        self.directory = directory
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        func ffmpeg(_ arguments: String) throws {
            let r = try Tool.shell("ffmpeg -nostdin -v error -y \(arguments)", cwd: directory)
            guard r.status == 0 else { throw XCTSkip("ffmpeg could not make the corpus: \(r.stderr)") }
        }
        let x264 = "-c:v libx264 -preset ultrafast -pix_fmt yuv420p"
        let aac = "-c:a aac -b:a 32k"
        try ffmpeg("-f lavfi -i testsrc=s=64x48:r=10:d=3 -f lavfi -i sine=f=440:r=16000:d=3 \(x264) \(aac) -movflags +faststart good.mp4")
        try ffmpeg("-f lavfi -i sine=f=440:r=16000:d=2 \(aac) audio-only.mp4")
        try ffmpeg("-f lavfi -i testsrc=s=64x48:r=10:d=2 \(x264) video-only.mp4")
        try ffmpeg("-f lavfi -i testsrc=s=64x48:r=10:d=0.1 -f lavfi -i sine=f=440:r=16000:d=2 \(x264) \(aac) one-frame.mp4")
        // 2 s of content whose last frame is stamped at 10 h: a 20 KB file that declares 36000 s.
        try ffmpeg("-f lavfi -i testsrc=s=64x48:r=10:d=2 -f lavfi -i sine=f=440:r=16000:d=2 "
                   + "-vf \"setpts='if(eq(N,19),36000/TB,PTS)'\" -fps_mode passthrough \(x264) \(aac) ten-hours.mkv")

        let clip = try Data(contentsOf: URL(fileURLWithPath: path("good.mp4")))
        let fm = FileManager.default
        try fm.copyItem(atPath: path("good.mp4"), toPath: path("good clip with spaces.mp4"))
        try fm.copyItem(atPath: path("good.mp4"), toPath: path("clîp été 日本語.mp4"))
        good = [path("good.mp4"), path("good clip with spaces.mp4"), path("clîp été 日本語.mp4")]

        func write(_ name: String, _ data: Data) throws -> String {
            try data.write(to: URL(fileURLWithPath: path(name)))
            return path(name)
        }
        var items: [Item] = []
        func add(_ kind: String, _ path: String, _ statuses: Set<String>, _ reason: String?, line: String? = nil) {
            items.append(Item(kind: kind, path: path, line: line ?? path, statuses: statuses, reason: reason))
        }
        add("zero-length file", try write("empty.mp4", Data()), ["failed"], "empty file (0 bytes)")
        add("4 KiB of random bytes", try write("random.mp4", Self.randomBytes(4096, seed: 8)), ["failed"], "Invalid data found")
        for percent in [1, 10, 50, 99] {
            let cut = try write("truncated-\(percent).mp4", clip.prefix(clip.count * percent / 100))
            // Where a cut lands decides what FFmpeg can still read: a broken header, too few
            // frames for a window, or (99 %) the whole first window.
            let statuses: Set<String> = percent == 99 ? ["written"] : percent == 50 ? ["skipped", "failed"] : ["skipped", "failed"]
            add("clip truncated at \(percent) %", cut, statuses, nil)
        }
        var flipped = clip
        for i in (clip.count / 2)..<(clip.count / 2 + 64) { flipped[i] ^= 0xFF }
        add("64 bytes flipped mid-file", try write("flipped.mp4", flipped), ["written", "skipped", "failed"], nil)
        add("mp4 without its moov atom", try write("no-moov.mp4", Self.removingBox("moov", from: clip)), ["failed"], "moov atom not found")
        add("HTML page named .mp4", try write("page.mp4", Data("<!doctype html><html><body>404 Not Found</body></html>\n".utf8)),
            ["failed"], "Invalid data found")
        add("audio only", path("audio-only.mp4"), ["skipped"], "no video stream")
        add("video only", path("video-only.mp4"), ["skipped"], "no audio stream")
        add("one-frame video", path("one-frame.mp4"), ["skipped"], "video shorter than the window: 1 of 16 frames")
        // FFmpeg itself refuses 30000x30000 (its image-size check); 16000x16000 it reports, and
        // prep's own limit refuses it before any frame is allocated (with --missing-audio silence:
        // by default the missing audio stream skips it first).
        add("y4m header declaring 30000x30000", try write("huge-30000.y4m", Self.y4m(width: 30000, height: 30000)),
            ["failed"], "Picture size 30000x30000 is invalid")
        add("y4m header declaring 16000x16000", try write("huge-16000.y4m", Self.y4m(width: 16000, height: 16000)),
            ["skipped"], "no audio stream")
        add("10-hour stream (first window)", path("ten-hours.mkv"), ["written"], nil)
        add("a directory", directory.path, ["failed"], "Is a directory")
        add("a missing path", path("missing.mp4"), ["failed"], "No such file or directory")
        let locked = try write("no-read-permission.mp4", clip)
        chmod(locked, 0)
        if access(locked, R_OK) != 0 {
            add("no read permission", locked, ["failed"], "Permission denied")
        } else {
            print("HostileCorpus: running as root, chmod 000 does not stop reads: skipping the no-permission item")
        }
        let fifo = path("fifo without writer.mp4")
        if mkfifo(fifo, 0o644) == 0 { add("FIFO without a writer", fifo, ["failed"], "timed out") }
        add("/dev/zero", "/dev/zero", ["failed"], "Invalid data found")
        add("\"-\" as a list line", "-", ["failed"], "a list line must name a file")
        add("line with only a TAB and a caption", "", ["failed"], "a list line must name a file", line: "\tonly a caption")
        self.items = items
    }

    /// The mixed list: a BOM, comments, blank lines, CRLF and LF endings, every corpus item, and a
    /// good clip (with a caption; the same clips again and again, so duplicates) after every
    /// second item. Returns the text, the good lines in order, and each item's line number.
    func mixedList() -> (text: String, good: [String], itemLines: [Int]) {
        var lines = ["\u{FEFF}# hostile corpus, issue #8", ""]
        var goodLines: [String] = [], itemLines: [Int] = []
        for (n, item) in items.enumerated() {
            itemLines.append(lines.count + 1)
            lines.append(item.line)
            if n % 2 == 1 {
                let clip = good[(n / 2) % good.count]
                let line = "\(clip)\tcaption \(n): été, 日本語"
                goodLines.append(line)
                lines.append(line)
                lines.append(n % 4 == 1 ? "   " : "# comment after line \(lines.count)")
            }
        }
        let text = lines.enumerated().map { $0.element + ($0.offset % 2 == 0 ? "\r\n" : "\n") }.joined()
        return (text, goodLines, itemLines)
    }

    /// `count` bytes from a fixed-seed xorshift generator.
    static func randomBytes(_ count: Int, seed: UInt64) -> Data {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return Data((0..<count).map { _ in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        })
    }

    /// `mp4` without its top-level boxes of type `type`.
    static func removingBox(_ type: String, from mp4: Data) -> Data {
        let bytes = [UInt8](mp4)
        var out = Data()
        var i = 0
        while i + 8 <= bytes.count {
            var size = Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            if size == 0 { size = bytes.count - i }
            guard size >= 8, i + size <= bytes.count else { break }
            if String(decoding: bytes[(i + 4)..<(i + 8)], as: UTF8.self) != type { out += bytes[i..<(i + size)] }
            i += size
        }
        return out
    }

    /// A YUV4MPEG2 stream whose header declares `width`x`height` but holds 4 KiB of frame data.
    static func y4m(width: Int, height: Int) -> Data {
        Data("YUV4MPEG2 W\(width) H\(height) F10:1 Ip A1:1 C420jpeg\nFRAME\n".utf8) + Data(count: 4096)
    }
}
