# Reference fits for tests/test_reference.py: R's glm (logistic, ML) and survival::coxph on the same
# fixed data set. Run from the repository root:
#   Rscript tests/reference/fit_reference.R tests/reference/cohort.csv tests/reference/golden.csv
# Ties in coxph: Efron (R's default, and lifelines'), and Breslow for contrast.
suppressPackageStartupMessages(library(survival))
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
rows <- function(model, name) {
  s <- summary(model)$coefficients
  data.frame(model = name, term = terms, estimate = s[terms, 1],
             std_error = if (name == "logistic") s[terms, 2] else s[terms, 3])
}
golden <- rbind(rows(logistic, "logistic"), rows(efron, "cox_efron"), rows(breslow, "cox_breslow"))
write.csv(format(golden, digits = 15), args[2], row.names = FALSE, quote = FALSE)
