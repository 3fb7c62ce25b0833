/// Errors of the AV-Align computation (decoding errors come from MediaIO as `MediaError`).
public enum AVAlignError: Error, CustomStringConvertible, Equatable {
    /// A frame's size differs from the first frame's (the reference's Farneback needs equal sizes).
    case frameSizeChanged(expected: String, got: String)

    /// A one-line message.
    public var description: String {
        switch self {
        case .frameSizeChanged(let expected, let got):
            return "frame size changed from \(expected) to \(got); optical flow needs equal sizes"
        }
    }
}
