/// A single-channel float32 image stored row-major, as OpenCV's `CV_32FC1` `Mat`.
struct Plane: Sendable {
    var width: Int
    var height: Int
    var data: [Float]

    /// A zero-filled plane of the given size.
    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        self.data = [Float](repeating: 0, count: width * height)
    }

    init(width: Int, height: Int, data: [Float]) {
        precondition(data.count == width * height)
        self.width = width
        self.height = height
        self.data = data
    }
}

/// OpenCV's `cvRound` for doubles: round half to even (`lrint` in the default mode).
@inline(__always)
func cvRound(_ v: Double) -> Int { Int(v.rounded(.toNearestOrEven)) }

/// Index into `0..<n` with OpenCV's BORDER_REFLECT_101 (`gfedcb|abcdefgh|gfedcba`).
@inline(__always)
func reflect101(_ i: Int, _ n: Int) -> Int {
    if n == 1 { return 0 }
    var i = i
    while i < 0 || i >= n {
        if i < 0 { i = -i } else { i = 2 * n - 2 - i }
    }
    return i
}
