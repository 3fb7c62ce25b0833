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

    /// The frames the reference sees: every decoded frame, BGR24 at native size, rotated by
    /// the stream's display matrix (OpenCV 5's `VideoCapture` applies it by default:
    /// `CAP_PROP_ORIENTATION_AUTO` is 1).
    public static let videoSpec = VideoSpec(fps: nil, size: nil, fit: .pad, pixels: .bgr24, autorotate: true,
                                            threads: 1)

    /// Runs the metric on `path` ("-" = stdin): every frame as BGR24 at native size (rotated
    /// by the display matrix, as OpenCV 5 does), gray by the 15-bit formula; the audio track mixed to mono
    /// and resampled to 22,050 Hz with soxr HQ; the frame rate as OpenCV reports it
    /// (`avg_frame_rate`) unless `config.fpsOverride` is set. A clip without an audio
    /// stream gets a nil score with the reason "no audio stream" (a silent track scores normally).
    public static func run(path: String, config: AVAlignConfig = AVAlignConfig(),
                           limits: DecodeLimits = DecodeLimits()) throws -> (result: AVAlignResult, timing: Timing) {
        let clock0 = now()
        let reader = try MediaReader(path: path, limits: limits)
        let info = reader.info
        guard info.hasVideo else {
            throw MediaError(input: path, reason: "no video stream", kind: .missingStream)
        }
        // Sized by the first frame: autorotation may swap the stream's width and height.
        var builder: VideoTrajectoryBuilder?
        var samples: [Float] = []
        let audioSpec = info.hasAudio
            ? AudioSpec(sampleRate: OnsetEnvelope.sampleRate, channelMode: .mix, engine: .soxr, padLeadingGap: false)
            : nil
        let videoSpec = Self.videoSpec
        try reader.decode(start: 0, duration: nil, audio: audioSpec, video: videoSpec,
                          onAudio: { chunk in samples.append(contentsOf: chunk) },
                          onFrame: { frame in
                              let b = builder ?? VideoTrajectoryBuilder(width: frame.width, height: frame.height)
                              builder = b
                              guard frame.width == b.width && frame.height == b.height else {
                                  throw AVAlignError.frameSizeChanged(expected: "\(b.width)x\(b.height)",
                                                                      got: "\(frame.width)x\(frame.height)")
                              }
                              try b.append(gray: GrayConversion.gray(bgr24: frame.pixels, width: frame.width,
                                                                     height: frame.height))
                          })
        let decodeEnd = now()
        let waitedDuringDecode = builder?.waitSeconds ?? 0
        let audioStart = now()
        let env = try OnsetEnvelope.envelope(samples22050: samples)
        let audioEnd = now()
        let traj = builder?.finish() ?? []
        var timing = Timing()
        timing.flow = builder?.flowSeconds ?? 0
        timing.decode = decodeEnd - clock0 - waitedDuringDecode
        // The reference's rate is OpenCV's (avg_frame_rate); stdin cannot be probed twice,
        // so it falls back to MediaIO's av_guess_frame_rate.
        let streamFPS = (path == "-" ? nil : OpenCVFrameRate.averageRate(path: path)) ?? info.videoFPS ?? 0
        let fps = config.fpsOverride ?? streamFPS
        let t0 = now()
        var result = AVAlign.score(envelope: env, trajectory: traj, fps: fps, frames: builder?.frameCount ?? 0,
                                   config: config)
        if !info.hasAudio && result.reason == nil {
            // The reference cannot load audio that is not there; say so rather than score 0.
            result.score = nil
            result.reason = "no audio stream"
        }
        timing.audio = audioEnd - audioStart + (now() - t0)
        timing.total = now() - clock0
        return (result, timing)
    }

    private static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}
