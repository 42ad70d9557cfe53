# Reference fits for tests/test_reference.py: R's glm (logistic, ML), brglm2 (Firth: mean bias reduction,
# AS_mean), survival::coxph and survival 3.x cox.zph (score test, rank of time) on one fixed data set.
# Debian: r-base-core, r-cran-survival, r-cran-brglm2. Run from the repository root:
#   Rscript tests/reference/fit_reference.R tests/reference/cohort.csv tests/reference/golden.csv
# Ties in coxph: Efron (R's default, and lifelines'), and Breslow for contrast.
suppressPackageStartupMessages({
  library(survival)
  library(brglm2)
})
args <- commandArgs(trailingOnly = TRUE)
data <- read.csv(args[1])
data$km <- data$km / 12.5
data$rotation <- -(data$rotation - mean(data$rotation)) / sd(data$rotation)
data$moment <- (data$moment - mean(data$moment)) / sd(data$moment)
terms <- c("km", "rotation", "moment", "female")
formula_rhs <- paste(terms, collapse = " + ")
logistic <- glm(as.formula(paste("case ~", formula_rhs)), family = binomial, data = data,
                control = glm.control(epsilon = 1e-14, maxit = 100))  # converged past the default 1e-8
efron <- coxph(as.formula(paste("Surv(weeks, case) ~", formula_rhs)), data = data, ties = "efron")
breslow <- coxph(as.formula(paste("Surv(weeks, case) ~", formula_rhs)), data = data, ties = "breslow")
firth <- glm(as.formula(paste("case ~", formula_rhs)), family = binomial, data = data,
             method = "brglmFit", type = "AS_mean", epsilon = 1e-14, maxit = 200)
rows <- function(model, name) {
  s <- summary(model)$coefficients
  data.frame(model = name, term = terms, estimate = s[terms, 1],
             std_error = if (name %in% c("logistic", "firth")) s[terms, 2] else s[terms, 3])
}
# survival 3.x: a score test of beta(t) = beta + gamma * (rank(t) - mean rank of the events), per term;
# "estimate" holds its chi-square (1 df) and "std_error" its p-value
zph <- cox.zph(efron, transform = "rank", global = FALSE)$table
ph <- data.frame(model = "cox_zph_rank", term = terms, estimate = zph[terms, "chisq"], std_error = zph[terms, "p"])
golden <- rbind(rows(logistic, "logistic"), rows(firth, "firth"), rows(efron, "cox_efron"),
                rows(breslow, "cox_breslow"), ph)
write.csv(format(golden, digits = 15), args[2], row.names = FALSE, quote = FALSE)
