"""Risk models and their checks: terms, logistic/Firth/Cox fits, validation, sensitivity, Monte Carlo."""
