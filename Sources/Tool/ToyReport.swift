import Foundation
import Guidance

/// Formats the toy experiment's rows as the paper's Table 1 (text or JSON) and Figure 2 (SVG).
enum ToyReport {
    /// "ind" or "ood", as in the JSON rows.
    static func settingName(_ s: ToySetting) -> String { s == .inDomain ? "ind" : "ood" }

    /// "gt", "no joint", "disc", "dsm", "full".
    static func methodName(_ m: String) -> String { m == "GT" ? "gt" : m }

    /// max/min count over the target modes (infinity when a mode is empty).
    static func modeBalance(_ e: ToyEvaluation) -> Double {
        let c = e.coverage.counts
        guard let lo = c.min(), let hi = c.max() else { return .infinity }
        return lo == 0 ? .infinity : Double(hi) / Double(lo)
    }

    /// The table as aligned text.
    static func table(_ rows: [ToyEvaluation]) -> String {
        func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
        var s = "setting  method    NLL (h=0.25)  on-target  mode balance\n"
        for e in rows {
            let balance = modeBalance(e)
            s += pad(settingName(e.setting), 9) + pad(methodName(e.method), 9)
                + String(format: "%13.3f  %9.3f  %12@\n", e.nll.first ?? .nan, e.coverage.onTargetFraction,
                         (balance.isFinite ? String(format: "%.2f", balance) : "inf") as NSString)
        }
        return s
    }

    /// The rows as a JSON array of `{"setting", "method", "nll", "on_target", "mode_balance"}`.
    static func json(_ rows: [ToyEvaluation]) throws -> String {
        let objects: [[String: Any]] = rows.map { e in
            let balance = modeBalance(e)
            return ["setting": settingName(e.setting), "method": methodName(e.method), "nll": e.nll.first ?? Double.nan,
                    "on_target": e.coverage.onTargetFraction,
                    "mode_balance": balance.isFinite ? balance as Any : NSNull()]
        }
        let data = try JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys, .prettyPrinted])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Figure 2: one scatter panel per row, target means as red crosses.
    static func svg(_ rows: [ToyEvaluation]) -> String {
        let panel = 220.0, pad = 24.0
        let perRow = max(1, rows.filter { $0.setting == rows.first?.setting }.count)
        let lines = (rows.count + perRow - 1) / perRow
        let width = Double(perRow) * panel, height = Double(lines) * (panel + pad)
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
            + "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        for (i, e) in rows.enumerated() {
            let ox = Double(i % perRow) * panel, oy = Double(i / perRow) * (panel + pad)
            func px(_ v: Double) -> Double { ox + 10 + (v + 4.5) / 9 * (panel - 20) }
            func py(_ v: Double) -> Double { oy + pad + 10 + (4.5 - v) / 9 * (panel - 20) }
            s += "<text x=\"\(ox + 10)\" y=\"\(oy + 16)\">\(settingName(e.setting)) / \(methodName(e.method)): "
                + String(format: "on-target %.2f", e.coverage.onTargetFraction) + "</text>\n"
            s += "<rect x=\"\(ox + 10)\" y=\"\(oy + pad + 10)\" width=\"\(panel - 20)\" height=\"\(panel - 20)\" fill=\"none\" stroke=\"#ccc\"/>\n"
            let v = e.samples.values
            for b in stride(from: 0, to: v.count - 1, by: 2) {
                s += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"1\" fill=\"#2255aa\" fill-opacity=\"0.35\"/>",
                            px(Double(v[b])), py(Double(v[b + 1])))
            }
            s += "\n"
            for m in e.setting.mixture.means where m.count == 2 {
                let x = px(m[0]), y = py(m[1])
                s += "<path d=\"M\(x - 5),\(y - 5) L\(x + 5),\(y + 5) M\(x - 5),\(y + 5) L\(x + 5),\(y - 5)\" stroke=\"#d22\" stroke-width=\"2\"/>\n"
            }
        }
        return s + "</svg>\n"
    }
}
