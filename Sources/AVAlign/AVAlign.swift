import MediaIO
/// The AV-Align audio-video synchronisation metric (built in its own issue).
public enum AVAlignMetric {}
