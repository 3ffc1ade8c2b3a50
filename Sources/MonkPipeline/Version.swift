// The monkpipe version. Only `format` enters stage keys; the version string is for people
// (`monkpipe --version`, the `monkpipeVersion` of experiment-state.json), so changing it
// leaves every cache as it is.
public enum MonkpipeVersion {
    /// 0.2.0: stage-key format 2 (0.1.0 wrote format 1).
    public static let string = "0.2.0"
    /// Bumped whenever the bytes a stage writes would change for the same inputs. 2: keys
    /// and load results hold no absolute paths (records of format 1 are carried over:
    /// `LegacyRecords`).
    public static let format = 2
}
