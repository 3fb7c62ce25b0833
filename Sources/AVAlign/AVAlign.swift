/// Options of the AV-Align metric; the defaults are the reference (TempoTokens, 2025-02-13).
public struct AVAlignConfig: Sendable, Equatable {
    /// Minimum onset spacing in seconds (`wait` of the peak picker); 0.03 by default,
    /// 0.096 for the MMDisCo variant.
    public var onsetWaitSeconds: Double
    /// Use the 2023 many-to-one matching (a video peak may match several onsets; IoU may exceed 1).
    public var legacyManyToOne: Bool
    /// Frame rate to use instead of the stream's (for containers with a bogus rate).
    public var fpsOverride: Double?
    /// Minimum trajectory value of a video peak.
    public var videoPeakThreshold: Double

    /// The reference configuration, with optional variants.
    public init(onsetWaitSeconds: Double = 0.03, legacyManyToOne: Bool = false,
                fpsOverride: Double? = nil, videoPeakThreshold: Double = 0.1) {
        self.onsetWaitSeconds = onsetWaitSeconds
        self.legacyManyToOne = legacyManyToOne
        self.fpsOverride = fpsOverride
        self.videoPeakThreshold = videoPeakThreshold
    }

    /// The MMDisCo paper's variant: onsets at least 96 ms apart.
    public static let mmdisco = AVAlignConfig(onsetWaitSeconds: 0.096)
}

/// The outcome of AV-Align on one clip, with the intermediate curves for plotting.
public struct AVAlignResult: Sendable {
    /// IoU of audio onsets and video peaks; nil when undefined (see `reason`).
    public var score: Double?
    /// Why `score` is nil.
    public var reason: String?
    /// Audio onset times in seconds.
    public var audioPeaks: [Double]
    /// Video peak times in seconds.
    public var videoPeaks: [Double]
    /// Frame rate used for the video peak times and the matching window.
    public var fps: Double
    /// Number of video frames.
    public var frames: Int
    /// Sample rate of the analysed audio (22,050 Hz).
    public var audioRate: Int
    /// (audio index, video index) of each matched pair.
    public var matchedPairs: [(audio: Int, video: Int)]
    /// Raw onset strength envelope (one value per 512-sample hop).
    public var onsetEnvelope: [Float]
    /// Optical-flow magnitude trajectory (one value per frame).
    public var trajectory: [Double]
}

/// The AV-Align metric: audio onsets vs optical-flow peaks.
public enum AVAlign {
    /// Flow-magnitude trajectory of gray frames (each `width*height` bytes), computed on all cores.
    public static func videoTrajectory(grayFrames: [[UInt8]], width: Int, height: Int) -> [Double] {
        let builder = VideoTrajectoryBuilder(width: width, height: height)
        for f in grayFrames { builder.append(gray: f) }
        return builder.finish()
    }

    /// Onset strength envelope of mono 22,050 Hz samples (librosa `onset_strength`).
    public static func onsetEnvelope(samples22050: [Float]) throws -> [Float] {
        try OnsetEnvelope.envelope(samples22050: samples22050)
    }

    /// Onset frames of an envelope (librosa `onset_detect`, normalised, no backtracking).
    public static func onsetFrames(envelope: [Float], config: AVAlignConfig = AVAlignConfig()) -> [Int] {
        OnsetDetect.onsetFrames(envelope: envelope,
                                parameters: OnsetDetect.Parameters(waitSeconds: config.onsetWaitSeconds))
    }

    /// The score from an onset envelope and a flow trajectory at `fps`
    /// (`config.fpsOverride` wins). Nil score with a reason for fewer than 2 frames or
    /// when there are neither onsets nor video peaks.
    public static func score(envelope: [Float], trajectory: [Double], fps streamFPS: Double,
                             config: AVAlignConfig = AVAlignConfig()) -> AVAlignResult {
        let fps = config.fpsOverride ?? streamFPS
        let onsets = onsetFrames(envelope: envelope, config: config).map(OnsetDetect.time(frame:))
        let peaks = fps > 0 && fps.isFinite
            ? VideoPeaks.peakTimes(trajectory, fps: fps, threshold: config.videoPeakThreshold) : []
        var result = AVAlignResult(score: nil, reason: nil, audioPeaks: onsets, videoPeaks: peaks, fps: fps,
                                   frames: trajectory.count, audioRate: OnsetEnvelope.sampleRate,
                                   matchedPairs: [], onsetEnvelope: envelope, trajectory: trajectory)
        guard fps > 0 && fps.isFinite else {
            result.reason = "invalid frame rate \(fps)"
            return result
        }
        guard trajectory.count >= 2 else {
            result.reason = "fewer than 2 video frames"
            return result
        }
        let m = AVAlignScore.match(audio: onsets, video: peaks, fps: fps, legacy: config.legacyManyToOne)
        result.matchedPairs = m.pairs
        let union = onsets.count + peaks.count - m.intersection
        guard union > 0 else {
            result.reason = "no audio onsets and no video peaks"
            return result
        }
        result.score = Double(m.intersection) / Double(union)
        return result
    }

    /// Full metric on decoded data: gray frames (`width`×`height`) at `fps` and mono
    /// 22,050 Hz samples. The audio side runs concurrently with the video side.
    public static func score(grayFrames: [[UInt8]], width: Int, height: Int, fps: Double,
                             samples22050: [Float], config: AVAlignConfig = AVAlignConfig()) throws -> AVAlignResult {
        let env = try onsetEnvelope(samples22050: samples22050)
        let traj = videoTrajectory(grayFrames: grayFrames, width: width, height: height)
        return score(envelope: env, trajectory: traj, fps: fps, config: config)
    }
}
