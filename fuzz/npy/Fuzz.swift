/// libFuzzer entry for the `.npy` parser: any bytes either decode or throw `NpyError`; a decoded
/// array re-encodes to bytes that decode to the same array.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNpy(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    guard let array = try? NpyCoding.decode(bytes) else { return 0 }
    let again: NpyArray
    do {
        again = try NpyCoding.decode(NpyCoding.encode(array))
    } catch {
        preconditionFailure("re-encoded npy does not decode: \(error)")
    }
    precondition(again == array, "npy round trip changed the array")
    return 0
}
