import XCTest
@testable import Synth

final class GeneratorTests: XCTestCase {
    func testSameSeedSameBytesDifferentSeedDifferent() {
        let a = SynthGenerator(seed: 99), b = SynthGenerator(seed: 99), c = SynthGenerator(seed: 100)
        for i in [0, 5, 13] {
            XCTAssertEqual(a.clip(i), b.clip(i))
            XCTAssertNotEqual(a.clip(i).video, c.clip(i).video)
            XCTAssertNotEqual(a.clip(i).audio, c.clip(i).audio)
        }
        XCTAssertNotEqual(a.clip(0).video, a.clip(8).video, "clips of one class differ")
    }

    func testClipDependsOnlyOnSeedAndIndex() {
        let g = SynthGenerator(seed: 3)
        let later = g.clip(41)
        _ = g.clip(40)
        XCTAssertEqual(g.clip(41), later)
    }

    func testShapesAtDefaultLength() {
        for clip in Fixtures.clips.prefix(16) {
            XCTAssertEqual(clip.audio.count, 25_600)
            XCTAssertEqual(clip.frames, 16)
            XCTAssertEqual(clip.video.count, 16 * 3 * 64 * 64)
            XCTAssertEqual(clip.eventTimes.count, clip.eventFrames.count)
            XCTAssert(clip.audio.allSatisfy { $0.isFinite && abs($0) <= 1 })
        }
    }

    func testOtherLengthsScale() {
        for (seconds, frames, samples) in [(2.0, 20, 32_000), (1.0, 10, 16_000), (3.2, 32, 51_200)] {
            let g = SynthGenerator(seed: 5, seconds: seconds)
            let clip = g.clip(2)
            XCTAssertEqual(clip.frames, frames)
            XCTAssertEqual(clip.audio.count, samples)
            XCTAssertEqual(clip.video.count, frames * 3 * 64 * 64)
            XCTAssert(clip.eventFrames.allSatisfy { (2...(frames - 2)).contains($0) })
        }
        let tiny = SynthGenerator(seed: 5, seconds: 0.3).clip(0)
        XCTAssertEqual(tiny.frames, 3)
        XCTAssertTrue(tiny.eventFrames.isEmpty)
        XCTAssert(tiny.audio.allSatisfy { $0 == 0 })
    }

    func testEventsOnVisibleFramesAtLeastTwoApart() {
        for clip in Fixtures.clips {
            XCTAssert((1...5).contains(clip.eventFrames.count))
            XCTAssertEqual(clip.eventFrames, clip.eventFrames.sorted())
            for (frame, time) in zip(clip.eventFrames, clip.eventTimes) {
                XCTAssert((2...14).contains(frame), "frame \(frame)")
                XCTAssertEqual(Int((time * 10).rounded()), frame, "the strike is in the frame nearest the sound")
            }
            for (a, b) in zip(clip.eventFrames, clip.eventFrames.dropFirst()) { XCTAssertGreaterThanOrEqual(b - a, 2) }
        }
    }

    func testEventCountsFewerMoreOften() {
        for actors in [1, 2, 4] {
            var rng = Xoshiro256(seed: UInt64(actors))
            var histogram = [Int](repeating: 0, count: 6)
            for _ in 0..<5000 {
                let schedule = EventSchedule(frameCount: 16, fps: 10, actorCount: actors, alternate: false, rng: &rng)
                histogram[schedule.frames.count] += 1
                // One actor never strikes twice within 2 frames: its recovery would tie with the strike.
                for a in 0..<actors {
                    let mine = zip(schedule.frames, schedule.actors).filter { $0.1 == a }.map(\.0)
                    for (x, y) in zip(mine, mine.dropFirst()) { XCTAssertGreaterThanOrEqual(y - x, 3) }
                }
            }
            XCTAssertEqual(histogram[0], 0)
            for n in 1..<5 { XCTAssertGreaterThan(histogram[n], histogram[n + 1], "histogram \(histogram)") }
            XCTAssertGreaterThan(histogram[5], 0)
        }
        // The same holds for whole clips.
        var histogram = [Int](repeating: 0, count: 6)
        for clip in Fixtures.clips { histogram[clip.eventFrames.count] += 1 }
        XCTAssertGreaterThan(histogram[1], histogram[3])
        XCTAssertGreaterThan(histogram[2], histogram[5])
    }

    /// Digital silence before the first sound and in the 30 ms before every later one;
    /// each sound tapers to below 1e-4 before it ends.
    func testAudioSilentAwayFromEvents() {
        for clip in Fixtures.clips {
            let starts = clip.eventTimes.map { Int(($0 * 16_000).rounded()) }
            XCTAssert(clip.audio[..<starts[0]].allSatisfy { $0 == 0 })
            for s in starts.dropFirst() { XCTAssert(clip.audio[(s - 480)..<s].allSatisfy { $0 == 0 }) }
            // Every sound's last non-zero sample is tiny (the taper reaches zero).
            for (i, s) in starts.enumerated() {
                let end = i + 1 < starts.count ? starts[i + 1] : clip.audio.count
                guard let last = clip.audio[s..<end].lastIndex(where: { $0 != 0 }) else { continue }
                XCTAssertLessThan(abs(clip.audio[last]), 1e-4)
                XCTAssertGreaterThan(clip.audio[s..<min(end, s + 400)].map(abs).max() ?? 0, 0.05, "audible onset")
            }
        }
    }

    func testRoundRobinClassesAndCaptions() {
        var templatesSeen: [SynthClass: Set<String>] = [:]
        for (i, clip) in Fixtures.clips.enumerated() {
            XCTAssertEqual(clip.classIndex, i % 8)
            XCTAssert(clip.synthClass.captionTemplates.contains(clip.caption))
            templatesSeen[clip.synthClass, default: []].insert(clip.caption)
        }
        for kind in SynthClass.allCases {
            XCTAssertGreaterThanOrEqual(kind.captionTemplates.count, 3)
            XCTAssertGreaterThanOrEqual(templatesSeen[kind]?.count ?? 0, 3, "\(kind)")
        }
        let subset = SynthGenerator(seed: 1, classes: [.typing, .drums])
        XCTAssertEqual((0..<4).map { subset.clip($0).synthClass }, [.typing, .drums, .typing, .drums])
        XCTAssertEqual(SynthGenerator(seed: 1, classes: []).classes, SynthClass.allCases)
    }

    func testClassParsing() {
        XCTAssertEqual(SynthClass(parsing: "playing drums"), .drums)
        XCTAssertEqual(SynthClass(parsing: " Bouncing-Ball "), .bouncingBall)
        XCTAssertEqual(SynthClass(parsing: "bouncingBall"), .bouncingBall)
        XCTAssertEqual(SynthClass(parsing: "7"), .typing)
        XCTAssertEqual(SynthClass(parsing: "fireworks"), .fireworks)
        XCTAssertNil(SynthClass(parsing: "8"))
        XCTAssertNil(SynthClass(parsing: "violin"))
        XCTAssertEqual(SynthClass.allCases.map(\.index), Array(0..<8))
    }

    func testMetadataJSON() {
        let clip = Fixtures.clips[3]
        let json = clip.metadataJSON(key: "000003_w000", seed: Fixtures.seed, index: 3)
        XCTAssert(json.hasPrefix("{\"audio_samples\":25600,"))
        for needle in ["\"source\":\"synth\"", "\"class\":\"clapping hands\"", "\"class_index\":3", "\"fps\":10",
                       "\"sample_rate\":16000", "\"frames\":16", "\"size\":64", "\"key\":\"000003_w000\"",
                       "\"seed\":\(Fixtures.seed)", "\"event_times\":["] {
            XCTAssert(json.contains(needle), needle)
        }
        XCTAssertEqual(SynthClip.quoted("a \"b\"\\\n"), "\"a \\\"b\\\"\\\\\\n\"")
    }
}
