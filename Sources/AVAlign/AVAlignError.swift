/// Errors of the AV-Align computation (decoding errors come from MediaIO as `MediaError`).
public enum AVAlignError: Error, CustomStringConvertible, Equatable {
    /// libavutil refused to set up a transform (`av_tx_init` returned `code`).
    case transformInit(code: Int32)
    /// A C allocation failed.
    case outOfMemory
    /// A frame's size differs from the first frame's (the reference's Farneback needs equal sizes).
    case frameSizeChanged(expected: String, got: String)

    /// A one-line message.
    public var description: String {
        switch self {
        case .transformInit(let code): return "av_tx_init failed (\(code))"
        case .outOfMemory: return "out of memory"
        case .frameSizeChanged(let expected, let got):
            return "frame size changed from \(expected) to \(got); optical flow needs equal sizes"
        }
    }
}
