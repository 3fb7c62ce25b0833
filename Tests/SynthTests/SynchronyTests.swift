import XCTest
@testable import Synth

/// A self-check of synchrony that needs no optical flow or onset detector from outside:
/// frame-difference peaks must fall on the event frames and audio energy onsets within one
/// 10 fps frame of the event times, for at least 95% of the events of 200 clips.
final class SynchronyTests: XCTestCase {
    /// Mean absolute difference of consecutive frames (index i compares frames i-1 and i; d[0] = 0).
    static func frameDifferences(_ clip: SynthClip) -> [Double] {
        let frameBytes = 3 * 64 * 64
        var d = [Double](repeating: 0, count: clip.frames)
        for i in 1..<clip.frames {
            var sum = 0
            let a = (i - 1) * frameBytes, b = i * frameBytes
            for k in 0..<frameBytes { sum += abs(Int(clip.video[b + k]) - Int(clip.video[a + k])) }
            d[i] = Double(sum) / Double(frameBytes)
        }
        return d
    }

    /// Strict local maxima of the frame differences above a small floor.
    static func videoPeaks(_ clip: SynthClip) -> [Int] {
        let d = frameDifferences(clip)
        let floor = 0.05 * (d.max() ?? 0)
        return (1..<clip.frames).filter { i in
            d[i] > floor && d[i] > d[i - 1] && (i + 1 == clip.frames || d[i] > d[i + 1])
        }
    }

    /// Times (s) of 5 ms blocks whose energy is 100x that of each of the three blocks before the
    /// previous one (an onset may straddle two blocks), at least 50 ms after the last onset.
    static func audioOnsets(_ clip: SynthClip) -> [Double] {
        let block = 80
        let energies = stride(from: 0, to: clip.audio.count - block + 1, by: block).map { start in
            clip.audio[start..<(start + block)].reduce(Float(0)) { $0 + $1 * $1 } / Float(block)
        }
        var onsets: [Double] = []
        var last = -1.0
        for b in energies.indices where energies[b] > 1e-6 {
            let before = energies[max(0, b - 4)..<max(0, b - 1)].max() ?? 0
            let time = Double(b * block) / 16_000
            if energies[b] > 100 * before && time - last >= 0.05 {
                onsets.append(time)
                last = time
            }
        }
        return onsets
    }

    func testVideoAndAudioEventsLineUp() {
        var events = 0, videoHits = 0, audioHits = 0, extraVideo = 0, extraAudio = 0
        for clip in Fixtures.clips {
            let peaks = Self.videoPeaks(clip), onsets = Self.audioOnsets(clip)
            events += clip.eventFrames.count
            videoHits += clip.eventFrames.filter(peaks.contains).count
            extraVideo += peaks.filter { !clip.eventFrames.contains($0) }.count
            audioHits += clip.eventTimes.filter { t in onsets.contains { abs($0 - t) < 0.1 } }.count
            extraAudio += onsets.filter { o in !clip.eventTimes.contains { abs(o - $0) < 0.1 } }.count
        }
        let videoRate = Double(videoHits) / Double(events), audioRate = Double(audioHits) / Double(events)
        print("synchrony self-check: \(events) events, video peaks on event frames \(videoRate), "
              + "audio onsets within a frame \(audioRate), extra video peaks \(extraVideo), extra onsets \(extraAudio)")
        XCTAssertGreaterThanOrEqual(videoRate, 0.95)
        XCTAssertGreaterThanOrEqual(audioRate, 0.95)
        XCTAssertLessThanOrEqual(Double(extraVideo), 0.05 * Double(events))
        XCTAssertLessThanOrEqual(Double(extraAudio), 0.05 * Double(events))
    }

    /// AV-Align's IoU (one-to-one, strict ±1 frame window), as in the av-align spec.
    static func iou(audio: [Double], video: [Double], fps: Double = 10) -> Double {
        var used = [Bool](repeating: false, count: video.count)
        var inter = 0
        for a in audio {
            for (j, v) in video.enumerated() where !used[j] && v - 1 / fps < a && a < v + 1 / fps {
                inter += 1; used[j] = true; break
            }
        }
        let union = audio.count + video.count - inter
        return union == 0 ? 0 : Double(inter) / Double(union)
    }

    /// With ideal detectors (onsets 20 ms late, peaks on event frames) matched clips score 1
    /// and audio re-matched with another clip of its class stays under 0.25 on average.
    func testIdealDetectorScores() {
        var matched = 0.0, mismatched = 0.0, pairs = 0
        let clips = Fixtures.clips
        for (i, clip) in clips.enumerated() {
            let audio = clip.eventTimes.map { $0 + 0.02 }
            matched += Self.iou(audio: audio, video: clip.eventFrames.map { Double($0) / 10 })
            let other = clips[(i + 8) % clips.count]
            XCTAssertEqual(other.classIndex, clip.classIndex)
            mismatched += Self.iou(audio: audio, video: other.eventFrames.map { Double($0) / 10 })
            pairs += 1
        }
        print("ideal detectors: synchronised \(matched / Double(pairs)), mismatched within class \(mismatched / Double(pairs))")
        XCTAssertEqual(matched / Double(pairs), 1, accuracy: 1e-9)
        XCTAssertLessThan(mismatched / Double(pairs), 0.25)
    }
}
