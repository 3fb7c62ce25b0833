#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CAVCodec
import CAVFormat
import CAVUtil
import CSWResample
import CSWScale

/// Writes an MP4 file or stream: H.264 video from RGB24 pictures plus optional mono AAC audio.
///
/// Timing: picture n is shown at n/fps and audio sample k at k/sampleRate, both from 0. The AAC
/// encoder's 1024 priming samples and x264's B-frame delay are covered by MP4 edit lists, so
/// players (and ffmpeg, for normal MP4) start both streams at 0 and in sync. Fragmented output
/// uses `delay_moov` so the moov, written with the first fragment, can carry those edit lists;
/// ffmpeg 5.1 then reports audio from -0.064 s (priming) instead of dropping it.
public final class MP4Writer {
    private enum State { case open, finished, failed }

    private let muxer: EncodeMuxer
    private let video: EncodeVideoStream
    private let audio: EncodeAudioStream?
    private var state = State.open

    /// True when the output is fragmented MP4 (moov first, then moof/mdat pairs).
    public let isFragmented: Bool
    /// The encoded picture size (after the optional upscale).
    public let outputWidth: Int
    /// The encoded picture height (after the optional upscale).
    public let outputHeight: Int

    /// Output to the file at `path` (created or truncated); fragmented only if it is a pipe or device
    /// (or `options.fragmented` says so), otherwise a normal MP4 with the index moved to the front.
    public convenience init(path: String, width: Int, height: Int, fps: Double, sampleRate: Int,
                            options: MP4Options) throws {
        EncodeSignals.ignoreBrokenPipe()
        let fragmented = options.fragmented ?? !EncodeOutputKind(path: path).seekableRegularFile
        let muxer = try EncodeMuxer(path: path)
        try self.init(muxer: muxer, movflags: fragmented ? Self.fragmentFlags : "+faststart",
                      fragmented: fragmented, width: width, height: height, fps: fps,
                      sampleRate: sampleRate, options: options)
    }

    /// Output to an open descriptor (e.g. 1 for stdout), which is not closed; a pipe gets fragmented MP4.
    /// SIGPIPE is ignored from here on so a vanished reader surfaces as `EncodeError.brokenPipe`.
    public convenience init(fileDescriptor: Int32, width: Int, height: Int, fps: Double, sampleRate: Int,
                            options: MP4Options) throws {
        EncodeSignals.ignoreBrokenPipe()
        let kind = EncodeOutputKind(fileDescriptor: fileDescriptor)
        let fragmented = options.fragmented ?? !kind.seekableRegularFile
        if !fragmented && !kind.seekableRegularFile {
            throw EncodeError.invalidArgument("a non-fragmented MP4 needs a seekable file, not fd \(fileDescriptor)")
        }
        // Faststart rereads the finished file by name; on Linux /proc/self/fd names the descriptor.
        let procPath = "/proc/self/fd/\(fileDescriptor)"
        let faststart = !fragmented && kind.offset == 0 && access(procPath, R_OK) == 0
        let muxer = try EncodeMuxer(fileDescriptor: fileDescriptor, seekable: !fragmented,
                                    url: faststart ? procPath : "pipe:\(fileDescriptor)")
        try self.init(muxer: muxer,
                      movflags: fragmented ? Self.fragmentFlags : (faststart ? "+faststart" : ""),
                      fragmented: fragmented, width: width, height: height, fps: fps,
                      sampleRate: sampleRate, options: options)
    }

    private static let fragmentFlags = "frag_keyframe+empty_moov+delay_moov+default_base_moof"

    private init(muxer: EncodeMuxer, movflags: String, fragmented: Bool, width: Int, height: Int,
                 fps: Double, sampleRate: Int, options: MP4Options) throws {
        guard width > 0, height > 0 else {
            throw EncodeError.invalidArgument("picture size \(width)x\(height)")
        }
        guard fps.isFinite, fps > 0 else { throw EncodeError.invalidArgument("frame rate \(fps)") }
        guard sampleRate >= 0 else { throw EncodeError.invalidArgument("sample rate \(sampleRate)") }
        let frameRate = av_d2q(fps, 100_000)
        let output = options.outputSize(width: width, height: height)
        self.muxer = muxer
        isFragmented = fragmented
        outputWidth = output.width
        outputHeight = output.height
        // Fragments start at keyframes: one about every 2 s keeps a piped stream flowing.
        let keyframeInterval = fragmented ? max(1, Int((2 * fps).rounded())) : nil
        video = try EncodeVideoStream(
            muxer: muxer, input: (width, height), output: output, frameRate: frameRate,
            crf: options.crf, preset: options.preset, keyframeInterval: keyframeInterval)
        if options.audio && sampleRate > 0 {
            audio = try EncodeAudioStream(muxer: muxer, sampleRate: sampleRate, bitRate: options.audioBitrate)
        } else {
            audio = nil
        }
        try muxer.writeHeader(movflags: movflags)
    }

    /// Encodes one packed RGB24 picture (width×height×3 bytes, rows top to bottom).
    public func writeVideoFrame(rgb: UnsafeBufferPointer<UInt8>) throws {
        try guarded { try video.write(rgb: rgb) }
    }

    /// Encodes mono float32 samples at the writer's sample rate, in chunks of any size;
    /// ignored when the writer has no audio stream.
    public func writeAudio(_ samples: UnsafeBufferPointer<Float>) throws {
        guard let audio else { return }
        try guarded { try audio.write(samples) }
    }

    /// Flushes both encoders and writes the trailer; the output is complete afterwards.
    public func finish() throws {
        if state == .finished { return }
        try guarded {
            try video.finish()
            try audio?.finish()
            try muxer.finish()
        }
        state = .finished
    }

    /// Runs `body` while open, and marks the writer failed if it throws.
    private func guarded(_ body: () throws -> Void) throws {
        guard state == .open else { throw EncodeError.closed }
        do {
            try body()
        } catch {
            state = .failed
            throw error
        }
    }
}
