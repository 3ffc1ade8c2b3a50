// MonkReport: classification metrics, confidence intervals, paired tests, SVG plots and the
// HTML report. Pure computation and text output: it depends on nothing else in monkpipe.
