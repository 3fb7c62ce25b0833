/// The AV-Align intersection-over-union of audio onsets and video peaks.
public enum AVAlignScore {
    /// Matched onset/peak pairs and the IoU they give.
    public struct Matching: Sendable, Equatable {
        /// (audio index, video index) of each match, in matching order.
        public var pairs: [(audio: Int, video: Int)]
        /// Number of matches.
        public var intersection: Int { pairs.count }

        public static func == (a: Matching, b: Matching) -> Bool {
            a.pairs.map { [$0.audio, $0.video] } == b.pairs.map { [$0.audio, $0.video] }
        }
    }

    /// Matches each onset `a` (ascending) to the first video peak `v` (ascending) with
    /// `v - 1/fps < a < v + 1/fps`; strict one-to-one (a peak is used at most once), or the
    /// 2023 many-to-one rule (`legacy`), where a peak may match several onsets.
    public static func match(audio: [Double], video: [Double], fps: Double, legacy: Bool = false) -> Matching {
        let win = 1.0 / fps
        var used = [Bool](repeating: false, count: video.count)
        var pairs: [(audio: Int, video: Int)] = []
        for (i, a) in audio.enumerated() {
            for (j, v) in video.enumerated() where (legacy || !used[j]) && v - win < a && a < v + win {
                pairs.append((i, j))
                used[j] = true
                break
            }
        }
        return Matching(pairs: pairs)
    }

    /// `IoU = inter / (|A| + |V| - inter)`; nil when both sets are empty.
    public static func iou(audio: [Double], video: [Double], fps: Double, legacy: Bool = false) -> Double? {
        let inter = match(audio: audio, video: video, fps: fps, legacy: legacy).intersection
        let union = audio.count + video.count - inter
        guard union != 0 else { return nil }
        return Double(inter) / Double(union)
    }
}
