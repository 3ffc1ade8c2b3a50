// Settings that are valid but almost certainly not meant, said before anything runs: the
// same folder used for two splits makes the numbers read from one of them optimistic, and an
// override that replaces a whole setting drops what was written beside it.

extension Plan {
    /// One sentence per problem, for `validate`, `plan` and `run` to print as warnings.
    /// Paths are compared as resolved (absolute, `..` removed), without following links.
    public var warnings: [String] {
        var out = discardedSettings
        let train = data.train.path
        if case .folder(let val) = data.validation, val == train {
            out.append("data.val is the training folder (\(val)): the network is validated on images it trains on, so validation accuracy, early stopping, the best epoch and a threshold chosen on validation are all optimistic (leakage)")
        }
        if let test = data.test?.path {
            if test == train {
                out.append("data.test is the training folder (\(test)): the test metrics would be measured on training images (leakage)")
            } else if case .folder(let val) = data.validation, val == test {
                out.append("data.test is the validation folder (\(test)): the best epoch and the threshold are chosen on the images the test reports on, so the test metrics are optimistic")
            }
        }
        return out
    }
}
