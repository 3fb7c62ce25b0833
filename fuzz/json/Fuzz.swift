/// libFuzzer entry for the `KEY.json` sidecar reader `encode` uses: any bytes either give
/// timing within the encoder's ranges or throw.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSidecar(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    guard let sidecar = try? SampleSidecar(json: bytes) else { return 0 }
    if let fps = sidecar.fps { precondition(fps > 0 && fps <= 1000, "fps \(fps) out of range") }
    if let rate = sidecar.sampleRate {
        precondition(rate >= 1 && rate <= SampleSidecar.maxSampleRate, "sample rate \(rate) out of range")
    }
    return 0
}
