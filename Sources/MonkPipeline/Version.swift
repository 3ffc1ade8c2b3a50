// The monkpipe version, recorded in every stage key and experiment state file.
public enum MonkpipeVersion {
    public static let string = "0.1.0"
    /// Bumped whenever the bytes a stage writes would change for the same inputs. 2: keys
    /// and load results hold no absolute paths (records of format 1 are carried over:
    /// `LegacyRecords`).
    public static let format = 2
}
