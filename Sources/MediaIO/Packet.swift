import CAVCodec
import CAVFormat
import CAVUtil
import CSWResample
import CSWScale

/// An owned `AVPacket`, freed with `av_packet_free`.
final class Packet {
    /// The packet.
    let pointer: UnsafeMutablePointer<AVPacket>

    /// Allocates an empty packet.
    init(input: String) throws {
        guard let p = av_packet_alloc() else {
            throw MediaError(input: input, reason: "out of memory", step: "allocating a packet",
                             kind: .ffmpeg(swift_AVERROR(ENOMEM)))
        }
        pointer = p
    }

    /// Drops the payload reference so the packet can be reused.
    func unref() { av_packet_unref(pointer) }

    deinit {
        var p: UnsafeMutablePointer<AVPacket>? = pointer
        av_packet_free(&p)
    }
}
