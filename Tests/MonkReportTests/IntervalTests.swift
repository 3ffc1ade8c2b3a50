// Wilson intervals against Newcombe's published examples, the AUC bootstrap against an
// independent Python reference, and McNemar against worked examples.
import Testing
@testable import MonkReport

@Suite struct IntervalTests {
    @Test func wilsonMatchesNewcombe1998() {
        // Newcombe R.G., "Two-sided confidence intervals for the single proportion: comparison
        // of seven methods", Stat Med 17:857–872 (1998), worked examples, method 3 (score
        // interval without continuity correction), 4 decimals:
        // 81/263 → 0.2553–0.3662, 15/148 → 0.0624–0.1605, 0/20 → 0–0.1611, 1/29 → 0.0061–0.1718.
        let published: [(Int, Int, Double, Double)] = [
            (81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0, 0.1611), (1, 29, 0.0061, 0.1718),
        ]
        for (k, n, lower, upper) in published {
            let ci = WilsonInterval(successes: k, trials: n)
            #expect(abs(ci.lower - lower) < 0.00005 && abs(ci.upper - upper) < 0.00005, "\(k)/\(n): \(ci)")
        }
        #expect(WilsonInterval(successes: 20, trials: 20).upper == 1)
    }

    @Test func bootstrapMatchesIndependentReference() throws {
        let set = Fixtures.forty
        let settings = BootstrapSettings(samples: 300, seed: 42)
        let ci = try #require(BootstrapInterval(aucOf: set.scores(of: 1), isPositive: set.trueLabels.map { $0 == 1 },
                                                settings: settings))
        // `python3 Tests/MonkReportTests/bootstrap_reference.py` prints
        // "300 0.6137487157627822 0.8917217171717172" (same generator, pair-counting AUC, np.percentile).
        #expect(ci.usedSamples == 300)
        #expect(close(ci.lower, 0.6137487157627822, 1e-12) && close(ci.upper, 0.8917217171717172, 1e-12))
    }

    @Test func bootstrapIsDeterministicForASeed() throws {
        let set = Fixtures.forty
        let scores = set.scores(of: 1), labels = set.trueLabels.map { $0 == 1 }
        let a = BootstrapInterval(aucOf: scores, isPositive: labels, settings: BootstrapSettings(samples: 100, seed: 7))
        let b = BootstrapInterval(aucOf: scores, isPositive: labels, settings: BootstrapSettings(samples: 100, seed: 7))
        let c = BootstrapInterval(aucOf: scores, isPositive: labels, settings: BootstrapSettings(samples: 100, seed: 8))
        #expect(a == b && a != c)
        // The point estimate (0.76375) lies inside.
        #expect(try #require(a).lower < 0.76375 && 0.76375 < a!.upper)
    }

    @Test func quantileInterpolatesLikeNumPy() {
        // np.percentile([1, 2, 4, 8], 25) = 1 + 0.75·(2 − 1) = 1.75 (position 0.25·3 = 0.75).
        #expect(BootstrapInterval.quantile(sorted: [1, 2, 4, 8], 0.25) == 1.75)
        #expect(BootstrapInterval.quantile(sorted: [1, 2, 4, 8], 1) == 8)
    }

    @Test func mcnemarExactMatchesArmitageBerry() {
        // Armitage & Berry (1994, p. 127), as worked in StatsDirect's "Matched pairs" help page:
        // two culture media on 50 sputum specimens, discordant pairs b = 12, c = 2.
        // Exact two-sided P = 0.0129 (= 2·(1 + 14 + 91)/2¹⁴ = 212/16384), and
        // Yates-corrected χ² = (|12 − 2| − 1)²/14 = 5.785714, P = 0.0162.
        let t = McNemarTest(bothCorrect: 20, onlyFirstCorrect: 12, onlySecondCorrect: 2, bothWrong: 16)
        #expect(t.method == .exactBinomial && t.statistic == 2)
        #expect(close(t.pValue, 212.0 / 16384.0) && abs(t.pValue - 0.0129) < 0.00005)
        #expect(abs(McNemarTest.chiSquareOneDFUpperTail(81.0 / 14.0) - 0.0162) < 0.00005)
    }

    @Test func mcnemarChiSquareForManyDiscordantPairs() {
        // Agresti, "Categorical Data Analysis" (2002), Table 10.1, presidential approval:
        // 794 / 150 / 86 / 570. Corrected χ² = (|150 − 86| − 1)²/236 = 3969/236 = 16.818;
        // scipy.stats.chi2.sf(3969/236, 1) = 4.114562281345944e-05.
        let t = McNemarTest(bothCorrect: 794, onlyFirstCorrect: 150, onlySecondCorrect: 86, bothWrong: 570)
        #expect(t.method == .chiSquareContinuityCorrected)
        #expect(close(t.statistic, 3969.0 / 236.0))
        #expect(abs(t.pValue - 4.114562281345944e-05) < 1e-12)
    }

    @Test func mcnemarFromCorrectnessFlags() {
        // Fagerland, Lydersen & Laake, BMC Med Res Methodol 13:91 (2013), Table 1 (Bentur et al.,
        // airway hyper-responsiveness before/after stem cell transplantation): 1, 1, 7, 12.
        // Exact conditional P = 2·binomcdf(1; 8, ½) = 2·(1 + 8)/2⁸ = 0.0703.
        let neither = Array(repeating: false, count: 12)
        let first = [true, true] + Array(repeating: false, count: 7) + neither
        let second = [true, false] + Array(repeating: true, count: 7) + neither
        let t = McNemarTest(firstCorrect: first, secondCorrect: second)
        #expect(t.onlyFirstCorrect == 1 && t.onlySecondCorrect == 7 && t.bothCorrect == 1 && t.bothWrong == 12)
        #expect(close(t.pValue, 18.0 / 256.0))
        #expect(McNemarTest(bothCorrect: 5, onlyFirstCorrect: 0, onlySecondCorrect: 0, bothWrong: 0).pValue == 1)
    }
}
