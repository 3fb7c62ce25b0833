import Foundation
import XCTest

/// Rules about the sources that a clean build would otherwise teach the hard way.
final class SourceRulesTests: XCTestCase {
    /// Clang attributes declarations from libavutil headers (which every FFmpeg module includes)
    /// to whichever module it builds first, so a file that imports only some of the five FFmpeg
    /// modules fails to compile in some clean builds. Every file that imports one imports all.
    func testFilesThatUseFFmpegImportAllFiveModules() throws {
        let modules: Set = ["CAVCodec", "CAVFormat", "CAVUtil", "CSWResample", "CSWScale"]
        let sources = Tool.packageRoot.appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" } ?? []
        XCTAssertFalse(files.isEmpty)
        for file in files {
            let imported = Set(try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
                .filter { $0.hasPrefix("import C") }.map { String($0.dropFirst(7)) }).intersection(modules)
            if !imported.isEmpty {
                XCTAssertEqual(imported, modules, "\(file.lastPathComponent) imports only \(imported.sorted())")
            }
        }
    }
}
