import AVAlign

/// Draws samples as a picture: each row shows the frames side by side, the waveform beneath on
/// the same time axis, AV-Align's audio onsets as red lines (green when matched to a flow peak)
/// and its flow peaks as blue frame outlines.
struct ContactSheet {
    /// How many times each frame is enlarged.
    var scale = 2
    /// Height of the waveform strip in pixels.
    var waveHeight = 96
    /// Gap between rows in pixels.
    var gap = 10

    /// One row: the tensors of a sample, their frame rate and sample rate, and the score if computed.
    struct Row {
        var tensors: SampleTensors
        var fps: Double
        var sampleRate: Int
        var result: AVAlignResult?
    }

    /// Renders `rows` into a packed RGB24 image and returns it with its size.
    func render(_ rows: [Row]) -> (rgb: [UInt8], width: Int, height: Int) {
        let cell = (rows.map(\.tensors.size).max() ?? 64) * scale
        let width = max(1, (rows.map(\.tensors.frames.count).max() ?? 1)) * cell
        let rowHeight = cell + waveHeight + gap
        let height = max(1, rows.count * rowHeight)
        var canvas = Canvas(width: width, height: height)
        for (r, row) in rows.enumerated() {
            draw(row, top: r * rowHeight, cell: cell, on: &canvas)
        }
        return (canvas.pixels, width, height)
    }

    private func draw(_ row: Row, top: Int, cell: Int, on canvas: inout Canvas) {
        let t = row.tensors
        let factor = cell / t.size
        for (k, frame) in t.frames.enumerated() {
            for y in 0..<cell {
                for x in 0..<cell {
                    let p = 3 * ((y / factor) * t.size + x / factor)
                    canvas.set(k * cell + x, top + y, (frame[p], frame[p + 1], frame[p + 2]))
                }
            }
        }
        let waveTop = top + cell
        canvas.fill(x: 0, y: waveTop, w: t.frames.count * cell, h: waveHeight, (248, 248, 248))
        let secondsWide = Double(t.frames.count) / row.fps
        func x(ofTime time: Double) -> Int { Int((time / secondsWide * Double(t.frames.count * cell)).rounded()) }
        let mid = waveTop + waveHeight / 2
        let peak = max(t.audio.map(abs).max() ?? 0, 1e-6)
        let columns = t.frames.count * cell
        for c in 0..<columns {
            let a = Int(Double(c) / Double(columns) * secondsWide * Double(row.sampleRate))
            let b = min(t.audio.count, Int(Double(c + 1) / Double(columns) * secondsWide * Double(row.sampleRate)))
            guard a < b else { continue }
            var lo: Float = 0, hi: Float = 0
            for i in a..<b { lo = min(lo, t.audio[i]); hi = max(hi, t.audio[i]) }
            let y0 = mid - Int(Float(waveHeight / 2 - 2) * hi / peak)
            let y1 = mid - Int(Float(waveHeight / 2 - 2) * lo / peak)
            canvas.fill(x: c, y: y0, w: 1, h: max(1, y1 - y0 + 1), (60, 60, 60))
        }
        guard let result = row.result else { return }
        let matchedAudio = Set(result.matchedPairs.map(\.audio))
        for (i, time) in result.audioPeaks.enumerated() {
            let color: (UInt8, UInt8, UInt8) = matchedAudio.contains(i) ? (20, 160, 40) : (210, 30, 30)
            canvas.fill(x: x(ofTime: time), y: waveTop, w: 2, h: waveHeight, color)
        }
        for time in result.videoPeaks {
            let k = Int((time * row.fps).rounded())
            guard k >= 0, k < t.frames.count else { continue }
            canvas.outline(x: k * cell, y: top, w: cell, h: cell, thickness: 3, (40, 80, 230))
        }
    }
}

/// A packed RGB24 image with clipped drawing.
private struct Canvas {
    let width: Int, height: Int
    var pixels: [UInt8]

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 255, count: width * height * 3)
    }

    mutating func set(_ x: Int, _ y: Int, _ c: (UInt8, UInt8, UInt8)) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let p = 3 * (y * width + x)
        pixels[p] = c.0; pixels[p + 1] = c.1; pixels[p + 2] = c.2
    }

    mutating func fill(x: Int, y: Int, w: Int, h: Int, _ c: (UInt8, UInt8, UInt8)) {
        for yy in max(0, y)..<min(height, y + h) where w > 0 {
            for xx in max(0, x)..<min(width, x + w) { set(xx, yy, c) }
        }
    }

    mutating func outline(x: Int, y: Int, w: Int, h: Int, thickness: Int, _ c: (UInt8, UInt8, UInt8)) {
        fill(x: x, y: y, w: w, h: thickness, c)
        fill(x: x, y: y + h - thickness, w: w, h: thickness, c)
        fill(x: x, y: y, w: thickness, h: h, c)
        fill(x: x + w - thickness, y: y, w: thickness, h: h, c)
    }
}
