import Foundation
import Tensor

// TensorBench: parity and timing runs for the Tensor engine (driven by bench/tensor/*.py).
//   TensorBench parity toy|conv DIR   compare with PyTorch (files written by parity.py)
//   TensorBench bench toy|conv|gemm [STEPS]   print one JSON object of timings

let args = CommandLine.arguments
FileHandle.standardError.write(Data("OpenBLAS core: \(TensorEngine.blasCore)\n".utf8))
func fail(_ msg: String) -> Never {
    FileHandle.standardError.write(Data((msg + "\n").utf8))
    exit(64)
}
guard args.count >= 3 else { fail("usage: TensorBench parity toy|conv DIR | bench toy|conv|gemm [STEPS]") }
switch (args[1], args[2]) {
case ("parity", let which) where args.count == 4:
    do { try runParity(which, dir: URL(fileURLWithPath: args[3])) } catch { fail("\(error)") }
case ("bench", let which):
    let steps = args.count > 3 ? Int(args[3]) ?? 20 : 20
    var r: [String: Double] = [:]
    switch which {
    case "toy": r["toy_full_step_ms"] = benchToy(steps: steps)
    case "conv": r = args.count > 4 ? benchConv(steps: steps, parts: Set(args[4].split(separator: ",").map(String.init)))
                                     : benchConv(steps: steps)
    case "gemm": r = benchGemm(steps: steps)
    default: fail("unknown bench \(which)")
    }
    let data = (try? JSONSerialization.data(withJSONObject: r, options: [.sortedKeys])) ?? Data()
    print(String(decoding: data, as: UTF8.self))
default:
    fail("unknown command")
}
