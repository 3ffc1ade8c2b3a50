// One fixed colour per experiment (its position in the comparison), the same in every plot
// and in the HTML table: Okabe & Ito's colour-blind-safe palette, with yellow last (weak on white).
import Foundation

enum Palette {
    static let colors = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]

    /// The colour of the experiment at `index`; cycles after eight experiments.
    static func color(_ index: Int) -> String { colors[index % colors.count] }
}
