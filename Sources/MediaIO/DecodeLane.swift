import CAVCodec
import CAVFormat
import CAVUtil
import CSWResample
import CSWScale

/// One decoder and what to do with its frames, for the demux loop in `MediaReader`.
struct DecodeLane {
    /// The decoder.
    let decoder: Decoder
    /// The frame reused for every `avcodec_receive_frame`.
    let frame: Frame
    /// Whether this lane wants no more data.
    let isDone: () -> Bool
    /// Consumes one decoded frame.
    let take: (Frame) throws -> Void
    /// Called once the decoder is drained.
    let finish: () throws -> Void
    private let counter = Counter()

    init(decoder: Decoder, frame: Frame, isDone: @escaping () -> Bool,
         take: @escaping (Frame) throws -> Void, finish: @escaping () throws -> Void) {
        self.decoder = decoder
        self.frame = frame
        self.isDone = isDone
        self.take = take
        self.finish = finish
    }

    /// Whether the decoder never produced a frame.
    var producedNothing: Bool { counter.frames == 0 }

    /// Sends a packet (nil = drain) and hands every frame it yields to `take`. Corrupt data is
    /// skipped like the ffmpeg CLI does; its error is returned so the caller can report it if
    /// nothing decodes at all. Callback errors propagate.
    func feed(_ packet: Packet?) throws -> MediaError? {
        var skipped: MediaError?
        while true {
            let sent = decoder.send(packet)
            let again = sent == averrorEAGAIN
            if sent < 0 && !again && sent != averrorEOF {
                if sent == averrorEXIT || sent == swift_AVERROR(ENOMEM) { throw decoder.error(sent) }
                skipped = decoder.error(sent)
            }
            while true {
                let got = decoder.receive(frame)
                if got == averrorEAGAIN || got == averrorEOF { break }
                if got < 0 {
                    if got == averrorEXIT || got == swift_AVERROR(ENOMEM) { throw decoder.error(got) }
                    skipped = decoder.error(got)
                    if packet == nil { return skipped }   // draining: stop on a broken tail
                    break
                }
                counter.frames += 1
                defer { frame.unref() }
                if !isDone() { try take(frame) }
            }
            if !again { return skipped }
        }
    }
}

/// A mutable count shared by copies of a `DecodeLane`.
final class Counter {
    var frames = 0
}
