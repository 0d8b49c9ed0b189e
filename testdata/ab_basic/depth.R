# R goldens on shared/reference/ab_basic for the "statistical depth"
# features, computed from rows with base R and sandwich (no Caliper code):
#   - revenue_per_user_w99: per-unit revenue capped at the pooled 99th
#     percentile (quantile type 7), Welch t.test;
#   - p90_latency_ms: event-level 90th percentile of impression latency per
#     arm, outer order-statistic CI with the cluster (unit) inflation of the
#     indicator variance (sandwich::vcovCL, HC0 times G/(G-1)), z test;
#   - Holm and BH (p.adjust) over the secondary family of testdata/ab_basic/
#     ab.cal: sessions_per_user, revenue_per_user, revenue_per_user_w99,
#     purchasers, save_rate.
# Run from the repository root:
#   Rscript testdata/ab_basic/depth.R ../shared/reference/ab_basic > testdata/ab_basic/depth.json
suppressMessages({library(sandwich)})
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args) > 0) args[1] else "../shared/reference/ab_basic"
ex <- read.csv(file.path(dir, "exposures.csv"), stringsAsFactors = FALSE)
ev <- read.csv(file.path(dir, "events.csv"), stringsAsFactors = FALSE)
ex <- ex[ex$experiment == "hf_ranker_v2", ]
ex$t <- as.POSIXct(ex$ts, tz = "UTC")
nv <- tapply(ex$variant, ex$user_id, function(v) length(unique(v)))
ex <- ex[ex$user_id %in% names(nv)[nv == 1], ]
ex <- ex[order(ex$user_id, ex$t), ]
u <- ex[!duplicated(ex$user_id), c("user_id", "variant", "t")]
names(u)[3] <- "t0"
ev$t <- as.POSIXct(ev$ts, tz = "UTC")
ev <- merge(ev, u, by = "user_id")
ev <- ev[ev$t >= ev$t0 & ev$t < ev$t0 + 7 * 86400, ]
per <- function(sel, f) { v <- tapply(f[sel], ev$user_id[sel], sum); r <- v[u$user_id]; r[is.na(r)] <- 0; unname(r) }
z <- qnorm(0.975)
c0 <- u$variant == "control"; t1 <- u$variant == "treatment"
welch <- function(y) {
  r <- t.test(y[t1], y[c0], var.equal = FALSE)
  mt <- mean(y[t1]); mc <- mean(y[c0]); vt <- var(y[t1]) / sum(t1); vc <- var(y[c0]) / sum(c0)
  rel <- mt / mc - 1; rse <- sqrt(vt / mc^2 + mt^2 * vc / mc^4)
  list(control = mc, treatment = mt, estimate = mt - mc, se = unname(r$stderr), p = r$p.value,
       lower = r$conf.int[1], upper = r$conf.int[2], rel = rel, rel_lower = rel - z * rse, rel_upper = rel + z * rse)
}
fmt <- function(name, x) cat(sprintf("\"%s\": {%s}", name, paste(sprintf("\"%s\": %.15g", names(x), unlist(x)), collapse = ", ")))

rev <- per(ev$event == "purchase", ev$revenue)
cap <- quantile(rev, 0.99, type = 7)
w99 <- welch(pmin(rev, cap))

eps <- 1e-9
qarm <- function(s, nu) {
  y <- sort(s$y); n <- length(y); h <- z * sqrt(n * nu * (1 - nu))
  k <- max(1, ceiling(n * nu - eps)); L <- max(1, floor(n * nu - h + eps)); U <- min(n, ceiling(n * nu + h - eps))
  q <- y[k]; se <- (y[U] - y[L]) / (2 * z)
  s$I <- as.numeric(s$y <= q)
  vc <- vcovCL(lm(I ~ 1, data = s), cluster = ~user_id, type = "HC0")[1, 1]
  list(q = q, se = se * sqrt(vc / (nu * (1 - nu) / n)), n = n)
}
imp <- ev[ev$event == "impression" & !is.na(ev$latency_ms), c("user_id", "variant", "latency_ms")]
names(imp)[3] <- "y"
C <- qarm(imp[imp$variant == "control", ], 0.9); T <- qarm(imp[imp$variant == "treatment", ], 0.9)
d <- T$q - C$q; se <- sqrt(C$se^2 + T$se^2)
rel <- T$q / C$q - 1; rse <- sqrt(T$se^2 / C$q^2 + T$q^2 * C$se^2 / C$q^4)
p90 <- list(control = C$q, treatment = T$q, estimate = d, se = se, p = 2 * pnorm(-abs(d / se)),
            lower = d - z * se, upper = d + z * se, rel = rel, rel_lower = rel - z * rse, rel_upper = rel + z * rse)

# The secondary family's raw p-values (Welch t for means and proportions,
# delta method with z for the ratio), then p.adjust.
saves <- per(ev$event == "save", rep(1, nrow(ev)))
imps <- per(ev$event == "impression", rep(1, nrow(ev)))
ratio_p <- function(m, d) {
  arm <- function(s) { n <- sum(s); r <- sum(m[s]) / sum(d[s])
    list(r = r, v = (var(m[s]) - 2 * r * cov(m[s], d[s]) + r^2 * var(d[s])) / (n * mean(d[s])^2)) }
  a <- arm(c0); b <- arm(t1); 2 * pnorm(-abs((b$r - a$r) / sqrt(a$v + b$v)))
}
raw <- c(sessions_per_user = welch(per(ev$event == "session_start", rep(1, nrow(ev))))$p,
         revenue_per_user = welch(rev)$p,
         revenue_per_user_w99 = w99$p,
         purchasers = welch(as.numeric(per(ev$event == "purchase", rep(1, nrow(ev))) > 0))$p,
         save_rate = ratio_p(saves, imps))
cat("{\n")
fmt("revenue_per_user_w99", w99); cat(",\n")
fmt("p90_latency_ms", p90); cat(",\n")
fmt("raw", as.list(raw)); cat(",\n")
fmt("holm", as.list(p.adjust(raw, "holm"))); cat(",\n")
fmt("bh", as.list(p.adjust(raw, "BH"))); cat("\n}\n")
