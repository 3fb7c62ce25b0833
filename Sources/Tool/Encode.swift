import AVAlign
import ArgumentParser
import Foundation
import MediaIO
#if canImport(Glibc)
import Glibc
#endif

/// `mmdisco-av encode`: turn tensor samples back into MP4 (H.264 + AAC) for viewing.
struct Encode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Encode tensor samples (a prep/generate tar, or an .npy pair) as MP4: H.264 + AAC.",
        discussion: """
            Reads a tar from stdin, or the files given: a tar, or KEY.video.npy and KEY.audio.npy. \
            Writes one MP4 to stdout (fragmented when stdout is a pipe), or one file per sample with \
            --out-dir. Frame rate and sample rate come from each sample's json, else the flags.

            Examples:
              mmdisco-av prep < clips.list | mmdisco-av encode --key 000000_w000 > clip.mp4
              mmdisco-av encode --out-dir previews/ < shard.tar
              mmdisco-av encode x.video.npy x.audio.npy -o x.mp4
              mmdisco-av encode --video-vae sd-vae/ --key 000000_w000 < latents.tar > decoded.mp4

            With --video-vae, each sample's KEY.video_latent.npy (from prep --preset latent) is \
            divided by the VAE's scaling_factor and decoded to frames instead of reading KEY.video.npy.
            """)

    @Argument(help: ArgumentHelp("A tar, or a video .npy and an optional audio .npy. Default: a tar on stdin.", valueName: "FILE"))
    var files: [String] = []

    @Option(help: ArgumentHelp("Encode only the sample with this key.", valueName: "KEY"))
    var key: String?

    @Option(name: .customLong("out-dir"), help: ArgumentHelp("Write every sample to DIR/KEY.mp4 instead of one MP4 to stdout.", valueName: "DIR"))
    var outDir: String?

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Write the MP4 to FILE (atomically) instead of stdout.", valueName: "FILE"))
    var output: String?

    @Option(name: .customLong("video-vae"), help: ArgumentHelp("Decode KEY.video_latent.npy with the AutoencoderKL in DIR (config.json + diffusion_pytorch_model.safetensors) instead of reading KEY.video.npy.", valueName: "DIR"))
    var videoVAE: String?

    @Option(help: ArgumentHelp("Upscale frames to SIZE x SIZE for viewing (bicubic). Default: as stored.", valueName: "SIZE"))
    var size: Int?

    @Option(help: ArgumentHelp("Instead of MP4, draw the samples as a PNG contact sheet: frames in a row, the waveform beneath, AV-Align's onsets (red, green when matched) and flow peaks (blue outlines).", valueName: "FILE.png"))
    var sheet: String?

    @Option(name: .customLong("sheet-rows"), help: ArgumentHelp("At most this many samples on the sheet (default 16).", valueName: "N"))
    var sheetRows: Int = 16

    @Option(help: ArgumentHelp("H.264 constant rate factor: 0 is lossless, 18 visually lossless, 51 worst.", valueName: "CRF"))
    var crf: Int = 18

    @Option(help: ArgumentHelp("Frame rate when the sample has no json (default 10).", valueName: "FPS"))
    var fps: Double = 10

    @Option(name: .customLong("sample-rate"), help: ArgumentHelp("Audio sample rate when the sample has no json (default 16000).", valueName: "HZ"))
    var sampleRate: Int = 16_000

    mutating func validate() throws {
        guard (0...51).contains(crf) else { throw ValidationError("--crf must be in 0...51, got \(crf)") }
        if let size, !(16...4096).contains(size) { throw ValidationError("--size must be in 16...4096, got \(size)") }
        guard fps > 0, sampleRate > 0 else { throw ValidationError("--fps and --sample-rate must be positive") }
        guard fps <= 1000 else { throw ValidationError("--fps must be at most 1000, got \(fps)") }
        guard sampleRate <= SampleSidecar.maxSampleRate else {
            throw ValidationError("--sample-rate must be at most \(SampleSidecar.maxSampleRate), got \(sampleRate)")
        }
        if outDir != nil && output != nil { throw ValidationError("--out-dir and --output cannot be used together") }
        if sheet != nil && (outDir != nil || output != nil) { throw ValidationError("--sheet writes a PNG instead of MP4s: drop --out-dir/--output") }
        guard (1...256).contains(sheetRows) else { throw ValidationError("--sheet-rows must be in 1...256") }
        if sheet == nil && outDir == nil && output == nil && isatty(1) == 1 {
            throw ValidationError("refusing to write an MP4 to a terminal: redirect stdout, or use -o FILE or --out-dir DIR")
        }
    }

    func run() throws {
        Interrupt.install()
        let decoder: VideoLatentDecoder?
        do { decoder = try videoVAE.map { try VideoLatentDecoder(directory: $0) } } catch {
            log("encode", "\(error)")
            throw ExitCode(ExitStatus.fatal)
        }
        var sheetRows_: [ContactSheet.Row] = []
        var encoded = 0, failed = 0, remaining = 0
        do {
            let npys = files.filter { $0.hasSuffix(".npy") }
            if !npys.isEmpty {
                guard npys.count == files.count, npys.count <= 2 else {
                    throw ValidationError("give a tar, or one video .npy and at most one audio .npy")
                }
                let video = npys.first { !$0.hasSuffix("audio.npy") } ?? npys[0]
                let audio = npys.first { $0 != video }
                let name = URL(fileURLWithPath: video).lastPathComponent
                let key = WebDatasetNaming.split(name)?.key ?? name
                var files = [video.hasSuffix("video_latent.npy") ? "video_latent.npy" : "video.npy": try readAll(video)]
                if let audio { files["audio.npy"] = try readAll(audio) }
                try encode(WebDatasetSample(key: key, files: files), decoder: decoder, sheetRows: &sheetRows_)
                encoded = 1
            } else {
                guard files.count <= 1 else { throw ValidationError("give at most one tar file") }
                let source = try ByteSource(path: files.first ?? "-")
                let reader = WebDatasetReader(tar: TarReader(source: source))
                while let sample = try reader.next() {
                    if Interrupt.received != nil { break }
                    if let key, sample.key != key { continue }
                    if sheet != nil && encoded + failed >= sheetRows { remaining += 1; continue }
                    if sheet == nil && outDir == nil && encoded + failed > 0 { remaining += 1; continue }
                    do {
                        try encode(sample, decoder: decoder, sheetRows: &sheetRows_)
                        encoded += 1
                    } catch let error as OutputError where error == .brokenPipe {
                        throw error
                    } catch let error as EncodeError where error == .brokenPipe || error.isOutputFailure {
                        throw error
                    } catch let error as OutputError {
                        throw error
                    } catch {
                        failed += 1
                        log("encode", "\(sample.key): \(error)")
                    }
                }
            }
        } catch OutputError.brokenPipe, EncodeError.brokenPipe {
            exitQuietlyOnBrokenPipe()
        } catch let error as ValidationError {
            throw error
        } catch {
            log("encode", "\(error)")
            throw ExitCode(ExitStatus.fatal)
        }
        if let sheet, !sheetRows_.isEmpty {
            do {
                let image = ContactSheet().render(sheetRows_)
                let png = try PNGWriter.encode(rgb: image.rgb, width: image.width, height: image.height)
                let file = try AtomicFile(path: sheet)
                try file.sink.write(png)
                try file.commit()
            } catch {
                log("encode", "\(sheet): \(error)")
                throw ExitCode(ExitStatus.fatal)
            }
        }
        if remaining > 0 {
            log("encode", sheet != nil ? "drew the first \(sheetRows) samples; \(remaining) more in the input (--sheet-rows)"
                : "encoded the first sample; \(remaining) more in the input (use --key or --out-dir)")
        }
        if encoded + failed == 0 {
            log("encode", key.map { "no sample with key \($0) in the input" } ?? "no samples in the input")
            throw ExitCode(ExitStatus.partial)
        }
        if failed > 0 { throw ExitCode(ExitStatus.partial) }
    }

    private func encode(_ sample: WebDatasetSample, decoder: VideoLatentDecoder?,
                        sheetRows sheetRows_: inout [ContactSheet.Row]) throws {
        let video: [UInt8]
        if let decoder {
            guard let latent = sample.files["video_latent.npy"] else {
                throw SampleError("no video_latent.npy in the sample (--video-vae decodes it)")
            }
            video = try decoder.videoNpy(fromLatentNpy: latent, name: sample.key)
        } else {
            guard let v = sample.files["video.npy"] else {
                throw SampleError(sample.files["video_latent.npy"] == nil ? "no video.npy in the sample"
                                  : "no video.npy in the sample; decode its video_latent.npy with --video-vae DIR")
            }
            video = v
        }
        let sidecar = try sample.files["json"].map { try SampleSidecar(json: $0) }
        let sampleFps = sidecar?.fps ?? fps, rate = sidecar?.sampleRate ?? sampleRate
        let tensors = try SampleTensors(audioNpy: sample.files["audio.npy"], videoNpy: video, name: sample.key)
        if sheet != nil {
            let result = tensors.audio.isEmpty ? nil
                : try? AVAlignScorer(config: AVAlignConfig(), limits: DecodeLimits(), audioPath: nil).score(.sample(sample))
            sheetRows_.append(ContactSheet.Row(tensors: tensors, fps: sampleFps, sampleRate: rate, result: result))
            return
        }
        try encodeSample(key: sample.key, tensors, fps: sampleFps, sampleRate: rate)
    }

    private func encodeSample(key: String, _ tensors: SampleTensors, fps: Double, sampleRate: Int) throws {
        var options = MP4Options()
        options.crf = crf
        options.size = size
        let path = outDir.map { "\($0)/\(key.replacingOccurrences(of: "/", with: "_")).mp4" } ?? output
        try MP4Export.write([tensors], fps: fps, sampleRate: sampleRate, options: options, to: path)
    }
}

/// Reads a whole file into memory.
func readAll(_ path: String) throws -> [UInt8] {
    let source = try ByteSource(path: path)
    var bytes: [UInt8] = []
    while true {
        let chunk = try source.read(upTo: 1 << 22)
        if chunk.isEmpty { return bytes }
        bytes += chunk
    }
}
