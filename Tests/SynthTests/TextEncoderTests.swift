import XCTest
@testable import Synth

final class TextEncoderTests: XCTestCase {
    let encoder = TextEncoder()

    func cos(_ a: String, _ b: String) -> Float {
        TextEncoder.cosine(encoder.encode(a).vector, encoder.encode(b).vector)
    }

    func testStemming() {
        XCTAssertEqual(TextEncoder.stems(of: "A person PLAYING the drums!"), ["play", "drum"])
        XCTAssertEqual(TextEncoder.stem("drumming"), "drum")
        XCTAssertEqual(TextEncoder.stem("bounces"), TextEncoder.stem("bouncing"))
        XCTAssertEqual(TextEncoder.stem("dripped"), "drip")
        XCTAssertEqual(TextEncoder.stem("types"), TextEncoder.stem("typing"))
        XCTAssertEqual(TextEncoder.stem("ball"), "ball")
        XCTAssertEqual(TextEncoder.stem("glass"), "glass")
    }

    func testFNV1aReference() {
        XCTAssertEqual(TextEncoder.fnv1a(""), 0x811C_9DC5)
        XCTAssertEqual(TextEncoder.fnv1a("a"), 0xE40C_292C)
    }

    func testVectorIsUnitLengthAndDeterministic() {
        let (v, known) = encoder.encode("a person playing the drums")
        XCTAssertEqual(v.count, TextEncoder.dimension)
        XCTAssertEqual(v.reduce(0) { $0 + $1 * $1 }, 1, accuracy: 1e-5)
        XCTAssertEqual(known, 2)
        XCTAssertEqual(TextEncoder().encode("a person playing the drums").vector, v)
    }

    func testParaphrasesCloseOtherClassesFar() {
        XCTAssertGreaterThan(cos("playing drums", "a person playing the drums"), 0.9)
        XCTAssertGreaterThan(cos("playing drums", "drumming"), 0.5)
        XCTAssertLessThan(cos("playing drums", "fireworks"), 0.1)
        for kind in SynthClass.allCases {
            for template in kind.captionTemplates {
                XCTAssertGreaterThan(cos(template, kind.rawValue), 0.5, "\(template) vs \(kind.rawValue)")
                for other in SynthClass.allCases where other != kind {
                    XCTAssertLessThan(cos(template, other.rawValue), 0.5, "\(template) vs \(other.rawValue)")
                }
            }
        }
    }

    /// The smallest same-class and largest cross-class cosine over all template pairs.
    func testAllTemplatePairs() {
        var sameMin: Float = 1, crossMax: Float = -1
        for a in SynthClass.allCases {
            for b in SynthClass.allCases {
                for ta in a.captionTemplates {
                    for tb in b.captionTemplates {
                        let c = cos(ta, tb)
                        if a == b { sameMin = min(sameMin, c) } else { crossMax = max(crossMax, c) }
                    }
                }
            }
        }
        XCTAssertGreaterThan(sameMin, 0.5)
        XCTAssertLessThan(crossMax, 0.5)
    }

    func testUnknownWordsReported() {
        XCTAssertEqual(encoder.encode("a violin concerto").knownWords, 0)
        XCTAssertEqual(encoder.encode("").knownWords, 0)
        XCTAssert(encoder.encode("").vector.allSatisfy { $0 == 0 })
        XCTAssertEqual(encoder.encode("the quick drummer playing").knownWords, 1)
        XCTAssertEqual(encoder.encode("Fireworks over the city").knownWords, 1)
        XCTAssert(encoder.vocabulary.contains("drum"))
        XCTAssertFalse(encoder.vocabulary.contains("the"))
    }
}
