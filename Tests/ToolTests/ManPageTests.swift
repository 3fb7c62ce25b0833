import Foundation
import XCTest

/// The man page must document every option that `--help` shows, for every subcommand.
final class ManPageTests: XCTestCase {
    func testEveryHelpOptionIsInTheManPage() throws {
        let man = try String(contentsOf: Tool.packageRoot.appendingPathComponent("man/mmdisco-av.1"), encoding: .utf8)
            .replacingOccurrences(of: "\\-", with: "-")
        XCTAssertTrue(man.contains(".SH EXIT STATUS"), "the man page needs an EXIT STATUS section")
        let root = try Tool.run(["--help"])
        XCTAssertEqual(root.status, 0)
        let rootHelp = String(decoding: root.stdout, as: UTF8.self)
        let subcommands = Self.subcommands(in: rootHelp)
        XCTAssertTrue(subcommands.contains("prep"), "prep is listed in --help: \(rootHelp)")
        for sub in subcommands {
            XCTAssertTrue(man.contains(".SS \(sub)"), "man page has no section for \(sub)")
            let help = try Tool.run([sub, "--help"])
            XCTAssertEqual(help.status, 0, sub)
            let text = String(decoding: help.stdout, as: UTF8.self)
            let options = Self.longOptions(in: text)
            XCTAssertFalse(options.isEmpty, "no options parsed from \(sub) --help")
            for option in options where option != "--help" && option != "--version" {
                XCTAssertTrue(man.contains(option), "\(sub) \(option) is in --help but not in man/mmdisco-av.1")
            }
        }
    }

    /// Subcommand names from the SUBCOMMANDS block of the root help.
    static func subcommands(in help: String) -> [String] {
        guard let range = help.range(of: "SUBCOMMANDS:") else { return [] }
        let block = help[range.upperBound...].split(separator: "\n\n").first ?? ""
        return block.split(separator: "\n").compactMap { line in
            let trimmed = line.drop(while: { $0 == " " })
            guard line.hasPrefix("  "), !line.hasPrefix("   "), let word = trimmed.split(separator: " ").first else { return nil }
            let name = String(word)
            return name == "help" || name.hasPrefix("-") ? nil : name
        }
    }

    /// Every `--long-option` mentioned in a help text.
    static func longOptions(in help: String) -> Set<String> {
        var found = Set<String>()
        let chars = Array(help)
        var i = 0
        while i + 2 < chars.count {
            if chars[i] == "-", chars[i + 1] == "-", chars[i + 2].isLetter, i == 0 || !(chars[i - 1].isLetter || chars[i - 1] == "-") {
                var j = i + 2
                while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "-" { j += 1 }
                found.insert(String(chars[i..<j]))
                i = j
            } else {
                i += 1
            }
        }
        return found
    }
}
