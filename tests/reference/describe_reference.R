# Table 1 and Table 2's numbers by base R, for tests/test_reference.py: per measure, the cases' and
# controls' mean, SD, median and quartiles (R's default type 7), tableone's standardised mean difference
# (difference over the pooled SD; for a proportion over sqrt((p1 (1 - p1) + p2 (1 - p2)) / 2)), and the
# tests: t.test (Welch), wilcox.test (normal approximation, conf.int), fisher.test.
# Usage: Rscript describe_reference.R cohort.csv out.csv  (columns: case, then one column per measure)
args <- commandArgs(trailingOnly = TRUE)
data <- read.csv(args[1])
rows <- list()
put <- function(measure, quantity, value) {
  rows[[length(rows) + 1]] <<- data.frame(measure = measure, quantity = quantity, value = unname(value))
}
for (measure in setdiff(names(data), "case")) {
  x <- data[[measure]][data$case == 1]
  y <- data[[measure]][data$case == 0]
  x <- x[!is.na(x)]
  y <- y[!is.na(y)]
  for (group in c("case", "control")) {
    v <- if (group == "case") x else y
    put(measure, paste0(group, "_mean"), mean(v))
    put(measure, paste0(group, "_sd"), sd(v))
    q <- quantile(v, c(0.25, 0.5, 0.75))
    put(measure, paste0(group, "_q1"), q[1])
    put(measure, paste0(group, "_median"), q[2])
    put(measure, paste0(group, "_q3"), q[3])
  }
  binary <- all(c(x, y) %in% c(0, 1))
  spread <- if (binary) {
    sqrt((mean(x) * (1 - mean(x)) + mean(y) * (1 - mean(y))) / 2)
  } else {
    sqrt((var(x) + var(y)) / 2)
  }
  put(measure, "smd", (mean(x) - mean(y)) / spread)
  if (binary) {
    f <- fisher.test(table(factor(data$case[!is.na(data[[measure]])], levels = c(1, 0)),
                           factor(data[[measure]][!is.na(data[[measure]])], levels = c(1, 0))))
    put(measure, "fisher_estimate", f$estimate)
    put(measure, "fisher_ci_low", f$conf.int[1])
    put(measure, "fisher_ci_high", f$conf.int[2])
    put(measure, "fisher_p", f$p.value)
  } else {
    t <- t.test(x, y)
    put(measure, "welch_estimate", mean(x) - mean(y))
    put(measure, "welch_ci_low", t$conf.int[1])
    put(measure, "welch_ci_high", t$conf.int[2])
    put(measure, "welch_statistic", t$statistic)
    put(measure, "welch_p", t$p.value)
    w <- wilcox.test(x, y, conf.int = TRUE, exact = FALSE)
    put(measure, "wilcoxon_estimate", w$estimate)
    put(measure, "wilcoxon_ci_low", w$conf.int[1])
    put(measure, "wilcoxon_ci_high", w$conf.int[2])
    put(measure, "wilcoxon_statistic", w$statistic)
    put(measure, "wilcoxon_p", w$p.value)
  }
}
write.csv(do.call(rbind, rows), args[2], row.names = FALSE)
