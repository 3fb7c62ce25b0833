import AVAlign
import Foundation

/// Draws AV-Align results as SVG: per clip, the onset envelope with its audio peaks above the
/// optical-flow trajectory with its video peaks, matched pairs joined, and the score.
enum AVAlignPlot {
    /// One clip's panel.
    struct Panel {
        var name: String
        var result: AVAlignResult
    }

    static let width = 960.0, panelHeight = 230.0, left = 60.0, right = 20.0

    /// The whole SVG document, one panel per clip.
    static func svg(_ panels: [Panel]) -> String {
        let height = max(1, Double(panels.count)) * panelHeight + 30
        var s = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
            font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(left)" y="18" font-size="13">AV-Align: audio onsets (red, top) vs optical-flow peaks \
            (blue, bottom); green joins matched pairs (within one frame)</text>

            """
        for (i, panel) in panels.enumerated() {
            s += draw(panel, top: 30 + Double(i) * panelHeight)
        }
        return s + "</svg>\n"
    }

    private static func draw(_ panel: Panel, top: Double) -> String {
        let r = panel.result
        let hop = 512.0 / Double(r.audioRate)
        let duration = max(Double(r.onsetEnvelope.count) * hop, r.fps > 0 ? Double(r.frames) / r.fps : 0, 0.1)
        let plotWidth = width - left - right
        func x(_ t: Double) -> Double { left + plotWidth * t / duration }
        let audioTop = top + 22, audioHeight = 80.0
        let videoTop = audioTop + audioHeight + 20, videoHeight = 80.0
        let score = r.score.map { String(format: "%.3f", $0) } ?? "null (\(r.reason ?? "no events"))"
        var s = "<g>\n<text x=\"\(left)\" y=\"\(top + 14)\" font-weight=\"bold\">\(escape(panel.name)) — score \(score), "
            + "\(r.audioPeaks.count) onsets, \(r.videoPeaks.count) flow peaks, \(r.matchedPairs.count) matched, "
            + String(format: "%.2f fps", r.fps) + "</text>\n"
        s += "<text x=\"4\" y=\"\(audioTop + 44)\" fill=\"#a00\">onset</text>\n"
        s += "<text x=\"4\" y=\"\(videoTop + 44)\" fill=\"#00a\">flow</text>\n"
        s += "<rect x=\"\(left)\" y=\"\(audioTop)\" width=\"\(plotWidth)\" height=\"\(audioHeight)\" fill=\"#fff5f5\" stroke=\"#ddd\"/>\n"
        s += "<rect x=\"\(left)\" y=\"\(videoTop)\" width=\"\(plotWidth)\" height=\"\(videoHeight)\" fill=\"#f5f5ff\" stroke=\"#ddd\"/>\n"
        let envMax = Double(r.onsetEnvelope.max() ?? 1)
        s += polyline(r.onsetEnvelope.enumerated().map { (x(Double($0.offset) * hop),
                                                           audioTop + audioHeight * (1 - Double($0.element) / max(envMax, 1e-9))) },
                      color: "#c33")
        let trajMax = r.trajectory.max() ?? 1
        s += polyline(r.trajectory.enumerated().map { (x(r.fps > 0 ? Double($0.offset) / r.fps : 0),
                                                       videoTop + videoHeight * (1 - $0.element / max(trajMax, 1e-9))) },
                      color: "#33c")
        for t in r.audioPeaks {
            s += "<line x1=\"\(f(x(t)))\" y1=\"\(audioTop)\" x2=\"\(f(x(t)))\" y2=\"\(audioTop + audioHeight)\" stroke=\"#c33\" stroke-dasharray=\"3,2\"/>\n"
        }
        for t in r.videoPeaks {
            s += "<line x1=\"\(f(x(t)))\" y1=\"\(videoTop)\" x2=\"\(f(x(t)))\" y2=\"\(videoTop + videoHeight)\" stroke=\"#33c\" stroke-dasharray=\"3,2\"/>\n"
        }
        for pair in r.matchedPairs where pair.audio < r.audioPeaks.count && pair.video < r.videoPeaks.count {
            let xa = x(r.audioPeaks[pair.audio]), xv = x(r.videoPeaks[pair.video])
            s += "<line x1=\"\(f(xa))\" y1=\"\(audioTop + audioHeight)\" x2=\"\(f(xv))\" y2=\"\(videoTop)\" stroke=\"#2a2\" stroke-width=\"2\"/>\n"
        }
        let ticks = stride(from: 0.0, through: duration, by: tickStep(duration))
        for t in ticks {
            s += "<text x=\"\(f(x(t)))\" y=\"\(videoTop + videoHeight + 14)\" text-anchor=\"middle\" fill=\"#555\">\(String(format: "%.1fs", t))</text>\n"
        }
        return s + "</g>\n"
    }

    private static func polyline(_ points: [(Double, Double)], color: String) -> String {
        guard !points.isEmpty else { return "" }
        let p = points.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " ")
        return "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.2\" points=\"\(p)\"/>\n"
    }

    private static func tickStep(_ duration: Double) -> Double {
        for step in [0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60] where duration / step <= 12 { return step }
        return 120
    }

    private static func f(_ v: Double) -> String { String(format: "%.1f", v) }

    private static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
