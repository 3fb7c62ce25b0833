import MediaIO
import Tensor

/// One window cut from a clip: audio [1, N] float32 and video [F, 3, S, S] uint8.
struct PrepWindow: Sendable {
    /// Window number within the clip, from 0.
    var index: Int
    /// Start time in seconds from the clip's start.
    var start: Double
    /// Mono samples, exactly `audioSamples` long.
    var audio: [Float]
    /// Frames in channel-first layout, F×3×S×S.
    var video: [UInt8]
    /// What the decoder found in the source.
    var source: MediaInfo
    /// The video latent [C, F, h, w] (`prep --preset latent --video-vae`), scaled.
    var videoLatent: Tensor? = nil
    /// The audio latent [C, T, m] (`prep --preset latent --audio-vae`), scaled.
    var audioLatent: Tensor? = nil
}

/// What became of one clip.
enum ClipOutcome: Sendable {
    /// `windows` windows were written; `note` says what was dropped, if anything.
    case written(windows: Int, info: MediaInfo, note: String?)
    /// Nothing was written, for the given reason.
    case skipped(reason: String, info: MediaInfo?)
}

/// Cuts a decoded clip into windows as the frames and samples stream in, holding at most one
/// window of video (plus what the other stream lags behind) in memory.
struct ClipWindower {
    let settings: PrepSettings

    /// Decodes `path` and emits each complete window through `emit`.
    func process(path: String, emit: (PrepWindow) throws -> Void) throws -> ClipOutcome {
        try ClipList.requireFile(path)
        let reader = try MediaReader(path: path, limits: settings.limits)
        let info = reader.info
        guard info.hasVideo else { return .skipped(reason: "no video stream", info: info) }
        if !info.hasAudio && settings.missingAudio == .skip {
            return .skipped(reason: "no audio stream (--missing-audio silence writes silence)", info: info)
        }
        var state = WindowState(settings: settings, hasAudio: info.hasAudio)
        let audioSpec = info.hasAudio ? AudioSpec(sampleRate: settings.sampleRate, channelMode: settings.channel) : nil
        let videoSpec = VideoSpec(fps: settings.fps, size: settings.size, fit: settings.fit, pixels: .rgb24,
                                  maxFrames: settings.windows == .first ? settings.frames : nil)
        let duration: Double? = settings.windows == .first
            ? max(settings.windowSeconds, Double(settings.audioSamples) / Double(settings.sampleRate)) : nil
        try reader.decode(start: settings.start, duration: duration, audio: audioSpec, video: videoSpec,
                          onAudio: { samples in
                              state.appendAudio(samples)
                              try state.emitReady(final: false, info: info, emit: emit)
                          },
                          onFrame: { frame in
                              state.appendFrame(frame)
                              try state.emitReady(final: false, info: info, emit: emit)
                          })
        try state.emitReady(final: true, info: info, emit: emit)
        return state.outcome(info: info)
    }
}

/// The buffers between decoding and windows.
private struct WindowState {
    let settings: PrepSettings
    let hasAudio: Bool
    let frameBytes: Int
    var audio: [Float] = []
    var audioOffset = 0          // absolute sample index of audio[0]
    var frames: [UInt8] = []
    var framesBuffered = 0
    var lastFrame: [UInt8] = []
    var windowIndex = 0
    var trailingFrames = 0
    var done = false

    init(settings: PrepSettings, hasAudio: Bool) {
        self.settings = settings
        self.hasAudio = hasAudio
        self.frameBytes = 3 * settings.size * settings.size
    }

    mutating func appendAudio(_ samples: UnsafeBufferPointer<Float>) {
        guard !done else { return }
        audio.append(contentsOf: samples)
    }

    /// Converts a packed RGB frame (H×W×3) to planar (3×H×W) and buffers it.
    mutating func appendFrame(_ frame: VideoFrame) {
        guard !done else { return }
        let plane = frame.width * frame.height
        var planar = [UInt8](repeating: 0, count: 3 * plane)
        frame.pixels.withUnsafeBufferPointer { src in
            planar.withUnsafeMutableBufferPointer { dst in
                for p in 0..<plane {
                    dst[p] = src[3 * p]
                    dst[plane + p] = src[3 * p + 1]
                    dst[2 * plane + p] = src[3 * p + 2]
                }
            }
        }
        lastFrame = planar
        frames.append(contentsOf: planar)
        framesBuffered += 1
    }

    /// First sample of window `w`, counted from the clip start.
    func audioStart(_ w: Int) -> Int {
        Int((Double(w) * settings.windowSeconds * Double(settings.sampleRate)).rounded())
    }

    /// Emits every window whose frames are complete and whose audio has arrived (or, at the end, padded).
    mutating func emitReady(final: Bool, info: MediaInfo, emit: (PrepWindow) throws -> Void) throws {
        while !done {
            if framesBuffered < settings.frames {
                guard final else { return }
                guard framesBuffered > 0, settings.padVideo == .last, !lastFrame.isEmpty else {
                    trailingFrames = framesBuffered
                    done = true
                    return
                }
                while framesBuffered < settings.frames {
                    frames.append(contentsOf: lastFrame)
                    framesBuffered += 1
                }
                trailingFrames = 0
            }
            let a0 = audioStart(windowIndex) - audioOffset
            let needed = a0 + settings.audioSamples
            if hasAudio && audio.count < needed && !final { return }
            var windowAudio = [Float](repeating: 0, count: settings.audioSamples)
            if a0 < audio.count {
                let available = min(settings.audioSamples, audio.count - a0)
                windowAudio.replaceSubrange(0..<available, with: audio[a0..<(a0 + available)])
            }
            let windowVideo = Array(frames[0..<(settings.frames * frameBytes)])
            frames.removeSubrange(0..<(settings.frames * frameBytes))
            framesBuffered -= settings.frames
            try emit(PrepWindow(index: windowIndex, start: settings.start + Double(windowIndex) * settings.windowSeconds,
                                audio: windowAudio, video: windowVideo, source: info))
            windowIndex += 1
            let drop = min(audio.count, max(0, audioStart(windowIndex) - audioOffset))
            audio.removeSubrange(0..<drop)
            audioOffset += drop
            if settings.windows == .first { done = true }
        }
    }

    func outcome(info: MediaInfo) -> ClipOutcome {
        if windowIndex == 0 {
            let got = trailingFrames
            return .skipped(reason: got == 0
                            ? "no video frames in the window"
                            : "video shorter than the window: \(got) of \(settings.frames) frames (--pad-video last repeats the last frame)",
                            info: info)
        }
        let note = trailingFrames > 0 ? "dropped \(trailingFrames) trailing frames shorter than a window" : nil
        return .written(windows: windowIndex, info: info, note: note)
    }
}
