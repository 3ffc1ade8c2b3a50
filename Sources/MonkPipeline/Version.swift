// The monkpipe version, recorded in every stage key and experiment state file.
public enum MonkpipeVersion {
    public static let string = "0.1.0"
    /// Bumped whenever the bytes a stage writes would change for the same inputs.
    public static let format = 1
}
