import CAVCodec
import CAVFormat
import CAVUtil
import CSWResample
import CSWScale

/// Turns decoded pictures into the `VideoFrame`s of one decode pass: fps-mode slot selection
/// (`FrameSelector`) or native mode (every frame with start ≤ time < end, in decode order).
final class VideoWindow {
    private let spec: VideoSpec
    private let start: Double
    private let end: Double?
    private let timeBase: AVRational
    private let containerStart: Double
    private let limits: DecodeLimits
    private let input: String
    private let scaler: FrameScaler
    private let rate: AVRational?
    private let offset: Int64
    private var selector: FrameSelector
    private var held: Frame?
    private var heldSerial = -1
    private var serial = 0
    private var cache: (serial: Int, image: (pixels: [UInt8], width: Int, height: Int))?
    private var lastPts: Int64?
    private var lastDuration: Int64 = 0
    private var emitted = 0
    private var nativeDone = false

    /// Makes a window; `fallbackFPS` guesses frame durations the stream does not give.
    init(spec: VideoSpec, start: Double, end: Double?, timeBase: AVRational, containerStart: Double,
         rotation: Int, fallbackFPS: Double?, limits: DecodeLimits, input: String) {
        self.spec = spec
        self.start = start
        self.end = end
        self.timeBase = timeBase
        self.containerStart = containerStart
        self.limits = limits
        self.input = input
        scaler = FrameScaler(spec: spec, rotation: rotation, input: input)
        let micro = Int64(swift_AV_TIME_BASE())
        let startMicro = Int64((containerStart * Double(micro)).rounded()) + Int64((start * Double(micro)).rounded())
        offset = av_rescale_q(startMicro, AVRational(num: 1, den: Int32(micro)), timeBase)
        var limit = spec.maxFrames ?? Int.max
        if let fps = spec.fps, fps > 0 {
            let q = av_d2q(fps, 1 << 24)
            rate = q
            if let end {
                let slots = ((end - start) * av_q2d(q) - 1e-9).rounded(.up)
                limit = min(limit, max(0, Int(min(slots, Double(Int32.max)))))
            }
        } else {
            rate = nil
        }
        selector = FrameSelector(slotLimit: limit)
        nativeDone = spec.maxFrames == 0
        if let fallbackFPS, fallbackFPS > 0 {
            lastDuration = av_rescale_q(1, av_d2q(1 / fallbackFPS, 1 << 24), timeBase)
        }
    }

    /// Whether no further frame is wanted.
    var done: Bool { rate == nil ? nativeDone : selector.done }

    /// Takes one decoded picture.
    func consume(_ frame: Frame, decoder: Decoder, _ onFrame: (VideoFrame) throws -> Void) throws {
        guard !done else { return }
        let f = frame.pointer.pointee
        try limits.checkFrame(width: Int(f.width), height: Int(f.height), input: input)
        let pts = frame.timestamp ?? lastPts.map { $0 + lastDuration } ?? offset
        if f.pkt_duration > 0 { lastDuration = f.pkt_duration }
        lastPts = pts
        serial += 1
        let coded = (Int(decoder.context.pointee.coded_width), Int(decoder.context.pointee.coded_height))
        guard let rate else {
            let time = seconds(pts)
            if time < start { return }
            if let end, time >= end { nativeDone = true; return }
            try emit(frame, serial: serial, index: emitted, time: time, source: time, coded: coded, onFrame)
            if let maxFrames = spec.maxFrames, emitted >= maxFrames { nativeDone = true }
            return
        }
        let slot = FrameSelector.slot(pts: pts, offset: offset, timeBase: timeBase, rate: rate,
                                         timing: spec.timing)
        let (slots, useNew) = selector.admit(slot: slot)
        for k in slots {
            if useNew {
                try emit(frame, serial: serial, index: k, time: slotTime(k, rate), source: seconds(pts), coded: coded, onFrame)
            } else if let held, let heldPts = held.timestamp {
                try emit(held, serial: heldSerial, index: k, time: slotTime(k, rate), source: seconds(heldPts),
                         coded: coded, onFrame)
            }
        }
        let keep = try held ?? Frame(input: input)
        keep.unref()
        try check(av_frame_ref(keep.pointer, frame.pointer), input: input, step: "keeping a video frame")
        if keep.pointer.pointee.best_effort_timestamp == swift_AV_NOPTS_VALUE() {
            keep.pointer.pointee.best_effort_timestamp = pts
        }
        held = keep
        heldSerial = serial
    }

    /// The stream ended: fill the remaining slots with the last frame.
    func finish(decoder: Decoder, _ onFrame: (VideoFrame) throws -> Void) throws {
        guard let rate, !selector.done, let held, let lastPts else { return }
        let endSlot = FrameSelector.slot(pts: lastPts + max(lastDuration, 0), offset: offset,
                                         timeBase: timeBase, rate: rate,
                                         timing: spec.timing)
        let heldSlot = FrameSelector.slot(pts: held.timestamp ?? lastPts, offset: offset, timeBase: timeBase, rate: rate,
                                         timing: spec.timing)
        let coded = (Int(decoder.context.pointee.coded_width), Int(decoder.context.pointee.coded_height))
        for k in selector.finish(endSlot: endSlot, heldSlot: heldSlot) {
            try emit(held, serial: heldSerial, index: k, time: slotTime(k, rate),
                     source: seconds(held.timestamp ?? lastPts), coded: coded, onFrame)
        }
    }

    /// Converts (once per source frame) and delivers one output frame.
    private func emit(_ frame: Frame, serial: Int, index: Int, time: Double, source: Double,
                      coded: (Int, Int), _ onFrame: (VideoFrame) throws -> Void) throws {
        let image: (pixels: [UInt8], width: Int, height: Int)
        if let cache, cache.serial == serial {
            image = cache.image
        } else {
            image = try scaler.convert(frame, coded: coded)
            cache = (serial, image)
        }
        emitted += 1
        try onFrame(VideoFrame(index: index, time: time, width: image.width, height: image.height,
                               pixels: image.pixels, sourceTime: source))
    }

    /// Seconds after the container start for a stream timestamp.
    private func seconds(_ pts: Int64) -> Double {
        Double(pts) * av_q2d(timeBase) - containerStart
    }

    /// The nominal time of slot k.
    private func slotTime(_ k: Int, _ rate: AVRational) -> Double {
        start + Double(k) * Double(rate.den) / Double(rate.num)
    }
}
