# Golden for runtime/stats/cluster.go (STATS-REFERENCE §9): cluster-robust
# standard errors of a two-arm comparison when clusters (not units) are
# randomized, for a mean metric y and a ratio metric sum(m)/sum(d) measured
# per unit. Run from this folder:  Rscript cluster.R > expected.txt
# (R 4.2.2, sandwich 3.0.2, estimatr 1.0.0). data.csv is committed; it is
# generated here only when absent, so the committed file is the reference.
suppressMessages({library(sandwich); library(estimatr)})

if (!file.exists("data.csv")) {
  set.seed(20261104)
  G <- 40
  size <- pmax(1, round(rlnorm(G, log(8), 0.8)))   # unequal cluster sizes
  arm <- sample(rep(0:1, G / 2))                    # clusters randomized
  ce <- rnorm(G, 0, 2)                              # cluster effect (y)
  cr <- rnorm(G, 0, 0.1)                            # cluster effect (rate)
  rows <- lapply(seq_len(G), function(g) {
    n <- size[g]
    d <- 1 + rpois(n, 3)                            # sessions >= 1
    rate <- pmax(0.02, 0.30 + 0.05 * arm[g] + cr[g])
    data.frame(cluster = sprintf("c%02d", g), arm = arm[g],
               unit = sprintf("c%02du%02d", g, seq_len(n)),
               y = round(5 + 1.0 * arm[g] + ce[g] + rnorm(n, 0, 3 + arm[g]), 2),
               m = rpois(n, d * rate), d = d)
  })
  write.csv(do.call(rbind, rows), "data.csv", row.names = FALSE, quote = FALSE)
}
u <- read.csv("data.csv")
u$ratio <- u$m / u$d
cat(sprintf("units %d clusters %d (control %d, treatment %d); cluster sizes %s\n",
  nrow(u), length(unique(u$cluster)), length(unique(u$cluster[u$arm == 0])),
  length(unique(u$cluster[u$arm == 1])),
  paste(range(table(u$cluster)), collapse = "-")))

out <- data.frame(metric = character(), quantity = character(), value = numeric())
put <- function(metric, quantity, value)
  out[nrow(out) + 1, ] <<- list(metric, quantity, value)

# The same regression for both metrics: the mean metric is y ~ arm; the ratio
# metric sum(m)/sum(d) is the weighted regression m/d ~ arm with weights d.
fits <- list(
  mean  = list(f = y ~ arm,     w = NULL),
  ratio = list(f = ratio ~ arm, w = u$d))
for (metric in names(fits)) {
  f <- fits[[metric]]$f; w <- fits[[metric]]$w
  fit <- if (is.null(w)) lm(f, u) else lm(f, u, weights = d)
  put(metric, "estimate", coef(fit)[["arm"]])
  put(metric, "vcovCL_HC0_se", sqrt(vcovCL(fit, cluster = ~cluster, type = "HC0")["arm", "arm"]))
  put(metric, "vcovCL_HC0_nocadjust_se",
      sqrt(vcovCL(fit, cluster = ~cluster, type = "HC0", cadjust = FALSE)["arm", "arm"]))
  put(metric, "vcovCL_HC1_se", sqrt(vcovCL(fit, cluster = ~cluster, type = "HC1")["arm", "arm"]))
  for (se in c("CR0", "stata", "CR2")) {
    r <- if (is.null(w)) lm_robust(f, u, clusters = cluster, se_type = se)
         else lm_robust(f, u, weights = d, clusters = cluster, se_type = se)
    t <- tidy(r); t <- t[t$term == "arm", ]
    put(metric, paste0("lm_robust_", se, "_se"), t$std.error)
    put(metric, paste0("lm_robust_", se, "_df"), t$df)
    put(metric, paste0("lm_robust_", se, "_p"), t$p.value)
    put(metric, paste0("lm_robust_", se, "_lo"), t$conf.low)
    put(metric, paste0("lm_robust_", se, "_hi"), t$conf.high)
  }
  if (!is.null(w)) {
    # The weighted CR2 of estimatr (and clubSandwich's default for lm with
    # weights) uses an identity working model for the unit-level ratios,
    # which cluster totals cannot reproduce. Bell-McCaffrey on the same WLS
    # written as OLS of sqrt(d)*ratio on sqrt(d) and sqrt(d)*arm (leverage
    # D_g/D_v per cluster) needs cluster totals only: that is what Go's CR2
    # computes for ratio metrics.
    u$sw <- sqrt(u$d); u$ty <- u$sw * u$ratio; u$ta <- u$sw * u$arm
    r <- lm_robust(ty ~ 0 + sw + ta, u, clusters = cluster, se_type = "CR2")
    t <- tidy(r); t <- t[t$term == "ta", ]
    put(metric, "sqrtw_lm_robust_CR2_se", t$std.error)
    put(metric, "sqrtw_lm_robust_CR2_df", t$df)
    put(metric, "sqrtw_lm_robust_CR2_p", t$p.value)
    put(metric, "sqrtw_lm_robust_CR2_lo", t$conf.low)
    put(metric, "sqrtw_lm_robust_CR2_hi", t$conf.high)
  }
  # Delta method (§9 item 1) = per arm, the clustered variance of the
  # intercept-only regression with sandwich's G/(G-1) adjustment, G = the
  # arm's clusters: Var_v = G_v/(G_v-1) * CR0_v.
  arm_var <- function(a) {
    s <- u[u$arm == a, ]
    g <- if (is.null(w)) lm(y ~ 1, s) else lm(ratio ~ 1, s, weights = d)
    c(value = coef(g)[[1]], var = vcovCL(g, cluster = ~cluster, type = "HC0")[1, 1])
  }
  a0 <- arm_var(0); a1 <- arm_var(1)
  put(metric, "control_value", a0[["value"]])
  put(metric, "treatment_value", a1[["value"]])
  put(metric, "delta_se", sqrt(a0[["var"]] + a1[["var"]]))
  put(metric, "delta_control_var", a0[["var"]])
  put(metric, "delta_treatment_var", a1[["var"]])
  rel <- a1[["value"]] / a0[["value"]] - 1
  put(metric, "relative", rel)
  put(metric, "relative_se", sqrt(a1[["var"]] / a0[["value"]]^2 +
                                  a1[["value"]]^2 * a0[["var"]] / a0[["value"]]^4))
}
print(out, digits = 10)
write.csv(transform(out, value = sprintf("%.15g", value)), "expected.csv",
          row.names = FALSE, quote = FALSE)
