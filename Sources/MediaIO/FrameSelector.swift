import CAVCodec
import CAVFormat
import CAVUtil
import CSWResample
import CSWScale

/// Chooses which decoded frame fills each output slot of a constant-rate sequence, the way
/// ffmpeg 5.1's `fps` filter does (default `round=near`, `eof_action=round`).
///
/// Exactly: with R = `fps` as a rational (`av_d2q`), each decoded frame gets the slot
/// `r = av_rescale_q_rnd(pts − off, tb, 1/R, AV_ROUND_NEAR_INF)`, where pts is its best-effort
/// timestamp in the stream time base `tb` and `off = av_rescale_q(containerStart + start, 1/AV_TIME_BASE, tb)`
/// (the same offset the ffmpeg CLI subtracts for `-ss start`). Output frame k is the last decoded
/// frame with r ≤ k — i.e. the frame on screen at `start + (k + ½)/fps`, rounding ties at exactly
/// half a slot to the later slot (a frame at pts = (k+½)/fps counts for slot k+1). A slot before
/// the first frame gets the first frame. After the last frame, slots continue while k < r_end, with
/// r_end the slot of the last frame's pts + its duration (at least one frame is always given);
/// `slotLimit` (window length × fps rounded up, and `maxFrames`) caps k.
///
/// Relation to the plain "frame on screen at start + k/fps" (last pts ≤ start + k/fps): identical
/// except that a frame shown less than half a slot before the slot time is already taken — which is
/// what makes the sequence match `ffmpeg -vf fps=R` frame for frame. `FrameTiming.onScreen` selects
/// that plain rule instead: the same algorithm with `AV_ROUND_UP` in place of `AV_ROUND_NEAR_INF`
/// (r = the first slot whose time is ≥ pts; r_end likewise), i.e. exactly "last pts ≤ start + k/fps".
struct FrameSelector {
    /// Output slots to produce (exclusive upper bound).
    let slotLimit: Int
    /// The next slot to fill.
    private(set) var nextSlot = 0
    private var holding = false

    /// Makes a selector producing at most `slotLimit` frames.
    init(slotLimit: Int) {
        self.slotLimit = max(0, slotLimit)
    }

    /// Whether all slots are filled.
    var done: Bool { nextSlot >= slotLimit }

    /// A new frame with slot `r` arrives: returns the slots to fill now and whether they take the
    /// new frame (true only before any frame was held) or the previously held one; the new frame is
    /// held afterwards.
    mutating func admit(slot r: Int64) -> (slots: Range<Int>, useNew: Bool) {
        let upto = Int(min(max(r, Int64(nextSlot)), Int64(slotLimit)))
        let range = nextSlot..<upto
        let useNew = !holding
        nextSlot = upto
        holding = true
        return (range, useNew)
    }

    /// The stream ended; `endSlot` is the slot of the last frame's end and `heldSlot` the slot of
    /// the held (last) frame. Returns the slots the held frame still fills — at least slot 0 when
    /// nothing was given yet and that frame lies in the window (a one-frame video).
    mutating func finish(endSlot: Int64, heldSlot: Int64) -> Range<Int> {
        guard holding else { return nextSlot..<nextSlot }
        var upto = Int(min(max(endSlot, Int64(nextSlot)), Int64(slotLimit)))
        if upto == 0 && slotLimit > 0 && heldSlot >= 0 { upto = 1 }
        let range = nextSlot..<upto
        nextSlot = upto
        return range
    }

    /// The slot of a timestamp (see the type's documentation).
    static func slot(pts: Int64, offset: Int64, timeBase: AVRational, rate: AVRational,
                     timing: FrameTiming = .fpsFilter) -> Int64 {
        let mode = timing == .fpsFilter ? AV_ROUND_NEAR_INF : AV_ROUND_UP
        let rounding = AVRounding(rawValue: mode.rawValue | AV_ROUND_PASS_MINMAX.rawValue)
        return av_rescale_q_rnd(pts - offset, timeBase, AVRational(num: rate.den, den: rate.num), rounding)
    }
}
