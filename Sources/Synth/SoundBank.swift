#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The sound of one class: per-clip timbre settings, and one tapered sound per event.
///
/// Every sound has a 1 ms raised-cosine attack (a clear onset), an exponential decay and a
/// raised-cosine taper to exactly zero, and is cut short before the next event starts, so
/// the clip is digital silence (exact zeros) everywhere no sound is playing. Each sound has
/// a single attack, so onset detectors see one onset per event.
struct SoundBank: Sendable {
    let kind: SynthClass
    let sampleRate: Double
    /// Peak level of the loudest event (0.3...0.8).
    let gain: Float
    /// The class's base frequency in Hz (drum tuning, hammer ring, drip pitch...).
    let pitch: Double
    /// Decay time constant in seconds.
    let decay: Double
    /// Filter centre or cut-off in Hz, for the noisy classes.
    let colour: Double

    /// Draws the clip's timbre.
    init(kind: SynthClass, sampleRate: Double, rng: inout Xoshiro256) {
        self.kind = kind
        self.sampleRate = sampleRate
        gain = rng.uniformFloat(0.3, 0.8)
        switch kind {
        case .drums: pitch = rng.uniform(70, 160); decay = rng.uniform(0.07, 0.14); colour = rng.uniform(1500, 3500)
        case .bouncingBall: pitch = rng.uniform(110, 260); decay = rng.uniform(0.035, 0.07); colour = rng.uniform(800, 2000)
        case .hammering: pitch = rng.uniform(700, 1300); decay = rng.uniform(0.07, 0.15); colour = rng.uniform(2000, 4000)
        case .clapping: pitch = 0; decay = rng.uniform(0.012, 0.025); colour = rng.uniform(900, 2200)
        case .dripping: pitch = rng.uniform(450, 800); decay = rng.uniform(0.02, 0.035); colour = 0
        case .footsteps: pitch = rng.uniform(55, 95); decay = rng.uniform(0.03, 0.05); colour = rng.uniform(350, 900)
        case .fireworks: pitch = rng.uniform(45, 70); decay = rng.uniform(0.06, 0.1); colour = rng.uniform(300, 700)
        case .typing: pitch = rng.uniform(1200, 2000); decay = rng.uniform(0.006, 0.012); colour = rng.uniform(2500, 4500)
        }
    }

    /// The longest a sound of this class rings, in seconds, before the taper ends it.
    var maxLength: Double {
        switch kind {
        case .drums, .hammering: return 0.3
        case .fireworks: return 0.4
        case .bouncingBall, .footsteps: return 0.15
        case .clapping, .dripping: return 0.1
        case .typing: return 0.06
        }
    }

    /// Adds the sound of one event starting at sample `start`, at most `limit` samples long.
    ///
    /// `actor` shifts the timbre (the second drum is tuned higher, each finger clicks a
    /// little differently); `rng` supplies noise and per-event variation (level ±12%, pitch ±4%).
    func addEvent(actor: Int, start: Int, limit: Int, into audio: inout [Float], rng: inout Xoshiro256) {
        let length = min(limit, Int(maxLength * sampleRate), audio.count - start)
        guard start >= 0, length > 8 else { return }
        let level = gain * rng.uniformFloat(0.76, 1.0)
        let detune = rng.uniform(0.96, 1.04) * (1 + 0.25 * Double(actor % 3))
        var sound = voice(length: length, detune: detune, actor: actor, rng: &rng)
        let peak = sound.reduce(Float(0)) { max($0, abs($1)) }
        guard peak > 0 else { return }
        let attack = max(1, Int(0.001 * sampleRate))
        let taper = max(1, min(Int(0.02 * sampleRate), length / 3))
        for n in 0..<length {
            var e = Float(exp(-Double(n) / (decay * sampleRate)))
            if n < attack { e *= Float(0.5 - 0.5 * cos(Double.pi * Double(n) / Double(attack))) }
            let fromEnd = length - 1 - n
            if fromEnd < taper { e *= Float(0.5 - 0.5 * cos(Double.pi * Double(fromEnd) / Double(taper))) }
            sound[n] *= e
        }
        let scale = level / peak
        for n in 0..<length { audio[start + n] += sound[n] * scale }
    }

    /// The un-enveloped waveform of one sound (envelope and level are applied by `addEvent`).
    private func voice(length: Int, detune: Double, actor: Int, rng: inout Xoshiro256) -> [Float] {
        var out = [Float](repeating: 0, count: length)
        let dt = 1 / sampleRate
        var phase = 0.0
        switch kind {
        case .drums:
            // A tom or kick: a sine gliding down onto its pitch, with a snare-like noise layer.
            var hp = OnePole(cutoff: colour, sampleRate: sampleRate)
            let noiseMix = actor == 1 ? 0.5 : 0.2
            for n in 0..<length {
                let t = Double(n) * dt
                phase += 2 * Double.pi * pitch * detune * (1 + 0.8 * exp(-t / 0.02)) * dt
                let noise = rng.uniform(-1, 1)
                let bright = noise - hp.lowpass(noise)
                out[n] = Float(sin(phase) + noiseMix * bright * exp(-t / 0.03))
            }
        case .bouncingBall:
            // A rubbery thud: a low sine with a small downward glide and a short contact click.
            for n in 0..<length {
                let t = Double(n) * dt
                phase += 2 * Double.pi * pitch * detune * (1 + 0.5 * exp(-t / 0.01)) * dt
                out[n] = Float(sin(phase) + 0.3 * rng.uniform(-1, 1) * exp(-t / 0.003))
            }
        case .hammering:
            // Metal on metal: inharmonic partials (1, 2.76, 5.40) with faster decay up high.
            let ratios = [1.0, 2.76, 5.40], amps = [1.0, 0.55, 0.3]
            var phases = [0.0, 0.0, 0.0]
            for n in 0..<length {
                let t = Double(n) * dt
                var v = 0.6 * rng.uniform(-1, 1) * exp(-t / 0.003)
                for i in 0..<3 {
                    phases[i] += 2 * Double.pi * pitch * detune * ratios[i] * dt
                    v += amps[i] * sin(phases[i]) * exp(-t * Double(i) / decay)
                }
                out[n] = Float(v)
            }
        case .clapping:
            // A clap: a burst of band-passed noise.
            var bp = BandPass(centre: colour * detune, q: 1.4, sampleRate: sampleRate)
            for n in 0..<length { out[n] = Float(bp.process(rng.uniform(-1, 1))) }
        case .dripping:
            // A drip: a sine whose pitch rises quickly ("plink").
            for n in 0..<length {
                let t = Double(n) * dt
                phase += 2 * Double.pi * pitch * detune * (1 + 1.2 * (1 - exp(-t / 0.012))) * dt
                out[n] = Float(sin(phase))
            }
        case .footsteps:
            // A step: low-passed noise over a low thud.
            var lp = OnePole(cutoff: colour * detune, sampleRate: sampleRate)
            for n in 0..<length {
                let t = Double(n) * dt
                phase += 2 * Double.pi * pitch * dt
                out[n] = Float(3 * lp.lowpass(rng.uniform(-1, 1)) + 0.6 * sin(phase) * exp(-t / 0.02))
            }
        case .fireworks:
            // A boom: a deep gliding sine under dark low-passed noise.
            var lp = OnePole(cutoff: colour * detune, sampleRate: sampleRate)
            for n in 0..<length {
                let t = Double(n) * dt
                phase += 2 * Double.pi * pitch * (1 + 1.0 * exp(-t / 0.03)) * dt
                out[n] = Float(0.8 * sin(phase) + 3 * lp.lowpass(rng.uniform(-1, 1)))
            }
        case .typing:
            // A key click: very short band-passed noise and a faint tick of tone.
            var bp = BandPass(centre: colour * detune, q: 2, sampleRate: sampleRate)
            for n in 0..<length {
                phase += 2 * Double.pi * pitch * detune * dt
                out[n] = Float(bp.process(rng.uniform(-1, 1)) + 0.15 * sin(phase))
            }
        }
        return out
    }
}

/// A one-pole low-pass filter `y += a (x - y)` with `a = 1 - exp(-2π fc / fs)`.
struct OnePole: Sendable {
    private let a: Double
    private var y = 0.0

    /// A filter with cut-off `cutoff` Hz.
    init(cutoff: Double, sampleRate: Double) {
        a = 1 - exp(-2 * Double.pi * min(cutoff, sampleRate / 2) / sampleRate)
    }

    /// Filters one sample.
    mutating func lowpass(_ x: Double) -> Double {
        y += a * (x - y)
        return y
    }
}

/// The RBJ cookbook band-pass biquad (constant 0 dB peak gain).
struct BandPass: Sendable {
    private let b0, b2, a1, a2: Double
    private var x1 = 0.0, x2 = 0.0, y1 = 0.0, y2 = 0.0

    /// A band-pass at `centre` Hz with quality `q`.
    init(centre: Double, q: Double, sampleRate: Double) {
        let w0 = 2 * Double.pi * min(centre, sampleRate * 0.45) / sampleRate
        let alpha = sin(w0) / (2 * q)
        let a0 = 1 + alpha
        b0 = alpha / a0
        b2 = -alpha / a0
        a1 = -2 * cos(w0) / a0
        a2 = (1 - alpha) / a0
    }

    /// Filters one sample.
    mutating func process(_ x: Double) -> Double {
        let y = b0 * x + b2 * x2 - a1 * y1 - a2 * y2
        x2 = x1; x1 = x; y2 = y1; y1 = y
        return y
    }
}
