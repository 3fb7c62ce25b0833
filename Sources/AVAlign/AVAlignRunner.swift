import Dispatch
import MediaIO

/// Decodes a media file with MediaIO and runs AV-Align on it.
public enum AVAlignRunner {
    /// Wall-clock seconds of each stage. Decoding overlaps the flow computation, so the
    /// stages can add up to more than `total`.
    public struct Timing: Sendable {
        /// Decoding and gray conversion (excluding waits for the flow workers).
        public var decode = 0.0
        /// Farneback flow batches (background, on all cores).
        public var flow = 0.0
        /// Onset envelope and peak picking.
        public var audio = 0.0
        /// Whole run.
        public var total = 0.0
    }

    /// Runs the metric on `path` ("-" = stdin): every frame as BGR24 at native size (no
    /// autorotation, like OpenCV), gray by the 15-bit formula; the audio track mixed to mono
    /// and resampled to 22,050 Hz with soxr HQ; the frame rate as OpenCV reports it
    /// (`avg_frame_rate`) unless `config.fpsOverride` is set. A clip without audio gets an
    /// envelope without onsets.
    public static func run(path: String, config: AVAlignConfig = AVAlignConfig(),
                           limits: DecodeLimits = DecodeLimits()) throws -> (result: AVAlignResult, timing: Timing) {
        let clock0 = now()
        let reader = try MediaReader(path: path, limits: limits)
        let info = reader.info
        guard info.hasVideo, let width = info.width, let height = info.height else {
            throw MediaError(input: path, reason: "no video stream", kind: .missingStream)
        }
        let builder = VideoTrajectoryBuilder(width: width, height: height)
        var samples: [Float] = []
        let audioSpec = info.hasAudio
            ? AudioSpec(sampleRate: OnsetEnvelope.sampleRate, channelMode: .mix, engine: .soxr, padLeadingGap: false)
            : nil
        let videoSpec = VideoSpec(fps: nil, size: nil, fit: .pad, pixels: .bgr24, autorotate: false, threads: 1)
        try reader.decode(start: 0, duration: nil, audio: audioSpec, video: videoSpec,
                          onAudio: { chunk in samples.append(contentsOf: chunk) },
                          onFrame: { frame in
                              builder.append(gray: GrayConversion.gray(bgr24: frame.pixels, width: frame.width,
                                                                       height: frame.height))
                          })
        let decodeEnd = now()
        let waitedDuringDecode = builder.waitSeconds
        let audioStart = now()
        let env = try OnsetEnvelope.envelope(samples22050: samples)
        let audioEnd = now()
        let traj = builder.finish()
        var timing = Timing()
        timing.flow = builder.flowSeconds
        timing.decode = decodeEnd - clock0 - waitedDuringDecode
        // The reference's rate is OpenCV's (avg_frame_rate); stdin cannot be probed twice,
        // so it falls back to MediaIO's av_guess_frame_rate.
        let streamFPS = (path == "-" ? nil : OpenCVFrameRate.averageRate(path: path)) ?? info.videoFPS ?? 0
        let fps = config.fpsOverride ?? streamFPS
        let t0 = now()
        let result = AVAlign.score(envelope: env, trajectory: traj, fps: fps, config: config)
        timing.audio = audioEnd - audioStart + (now() - t0)
        timing.total = now() - clock0
        return (result, timing)
    }

    private static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}
