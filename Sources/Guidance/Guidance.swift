/// Diffusion, samplers, networks and MMDisCo guidance (built in its own issue).
public enum Guidance {}
