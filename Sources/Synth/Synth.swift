/// Procedural audio-visual data with measurable synchrony.
public enum SynthData {}
