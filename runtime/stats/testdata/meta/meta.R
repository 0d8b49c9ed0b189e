# Reference values for runtime/stats/meta.go: metafor::rma on fixed data
# sets, models FE, DL and REML, with metafor's defaults (test = "z",
# normal intervals; predict() for the prediction interval) except that
# REML iterates to an absolute change below 1e-12 (default 1e-5) so that
# the reference is the converged REML estimate.
# Writes expected.json: per case the inputs (yi, sei, alpha) and per model
# estimate, se, z, p, ci, tau2 and its se, I2 (percent, as metafor
# prints it), H2, QE with its p-value, and the prediction interval.
# Run: Rscript meta.R   (R 4.2.2, metafor from Debian's r-cran-metafor)
suppressMessages(library(metafor))

bcg <- escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)

cases <- list(
  # BCG vaccine trials (metafor's dat.bcg), log risk ratios: strongly
  # heterogeneous, k = 13.
  list(name = "bcg", alpha = 0.05, yi = as.numeric(bcg$yi), sei = sqrt(as.numeric(bcg$vi))),
  # Relative lifts of eight launches, heterogeneous (DL and REML differ).
  list(name = "heterogeneous", alpha = 0.05,
       yi = c(0.021, 0.004, 0.035, -0.006, 0.012, 0.048, 0.009, 0.017),
       sei = c(0.006, 0.005, 0.009, 0.004, 0.007, 0.012, 0.003, 0.008)),
  # Homogeneous: Q < k - 1, so tau2 = 0 for DL and REML.
  list(name = "homogeneous", alpha = 0.05,
       yi = c(0.010, 0.012, 0.008, 0.011, 0.009),
       sei = c(0.004, 0.005, 0.006, 0.003, 0.005)),
  # Two experiments only, heterogeneous, at level 90%.
  list(name = "two", alpha = 0.10,
       yi = c(0.030, -0.005),
       sei = c(0.008, 0.006)),
  # Mild heterogeneity, unequal precision, absolute effects.
  list(name = "mild", alpha = 0.05,
       yi = c(1.8, 2.6, 0.9, 2.2, 3.1, 1.4),
       sei = c(0.5, 0.9, 0.6, 0.4, 1.1, 0.7))
)

num <- function(x) {
  if (is.null(x) || length(x) == 0 || is.na(x)) return("null")
  trimws(formatC(x, digits = 17, format = "g"))
}
vec <- function(x) paste0("[", paste(sapply(x, num), collapse = ", "), "]")

out <- character(0)
for (cs in cases) {
  models <- character(0)
  for (m in c("FE", "DL", "REML")) {
    fit <- rma(yi = cs$yi, sei = cs$sei, method = m, level = 100 * (1 - cs$alpha),
               control = list(threshold = 1e-12, maxiter = 10000))
    pr <- predict(fit)
    pi.lb <- if (m == "FE") NA else pr$pi.lb
    pi.ub <- if (m == "FE") NA else pr$pi.ub
    tau2 <- if (m == "FE") NA else fit$tau2
    se.tau2 <- if (m == "FE") NA else fit$se.tau2
    models <- c(models, sprintf(
      '    "%s": {"estimate": %s, "se": %s, "z": %s, "p": %s, "ci_lb": %s, "ci_ub": %s, "tau2": %s, "se_tau2": %s, "I2": %s, "H2": %s, "QE": %s, "QEp": %s, "pi_lb": %s, "pi_ub": %s}',
      m, num(fit$beta[1]), num(fit$se), num(fit$zval), num(fit$pval), num(fit$ci.lb), num(fit$ci.ub),
      num(tau2), num(se.tau2), num(fit$I2), num(fit$H2), num(fit$QE), num(fit$QEp), num(pi.lb), num(pi.ub)))
  }
  out <- c(out, sprintf('  "%s": {"alpha": %s, "yi": %s, "sei": %s,\n%s}',
                        cs$name, num(cs$alpha), vec(cs$yi), vec(cs$sei), paste(models, collapse = ",\n")))
}
writeLines(c("{", paste(out, collapse = ",\n"), "}"), "expected.json")
cat(sprintf("R %s, metafor %s\n", getRversion(), packageVersion("metafor")))
