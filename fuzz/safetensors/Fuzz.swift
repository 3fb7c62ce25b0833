import Foundation

/// libFuzzer entry for the safetensors reader (Tensor module): any bytes either load or throw
/// `SafetensorsError`; a loaded file's tensors have the shapes its entries declare.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafetensors(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Data(UnsafeBufferPointer(start: $0, count: size)) } ?? Data()
    guard let file = try? Safetensors(data: bytes) else { return 0 }
    for (name, entry) in file.entries {
        guard let tensor = file.tensors[name] else { preconditionFailure("entry \(name) has no tensor") }
        precondition(tensor.shape == entry.shape, "tensor \(name) has shape \(tensor.shape), entry says \(entry.shape)")
    }
    return 0
}
