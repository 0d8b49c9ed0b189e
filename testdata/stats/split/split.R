# Golden for runtime/stats/split.go (LANGUAGE.md `split C`): shares of the
# total absolute lift by surface. Run from this folder:
#   Rscript split.R > expected.txt      (R 4.2.2)
# data.csv (one row per user and surface, zeros included) is committed; it
# is generated here only when absent.
if (!file.exists("data.csv")) {
  set.seed(20261107)
  surfaces <- c("home", "search", "profile")
  rows <- lapply(0:1, function(a) {
    n <- c(150, 160)[a + 1]
    do.call(rbind, lapply(seq_along(surfaces), function(s) {
      imp <- rpois(n, c(20, 8, 4)[s] * (1 + 0.15 * a * (s == 2)))   # treatment shifts impressions to search
      data.frame(arm = a, user = sprintf("u%d_%03d", a, seq_len(n)), surface = surfaces[s],
                 impressions = imp,
                 saves = rpois(n, imp * c(0.05, 0.12, 0.08)[s] * (1 + 0.1 * a * (s == 1))))
    }))
  })
  write.csv(do.call(rbind, rows), "data.csv", row.names = FALSE, quote = FALSE)
}
u <- read.csv("data.csv")
out <- data.frame(quantity = character(), value = numeric())
put <- function(q, v) out[nrow(out) + 1, ] <<- list(q, v)
n <- tapply(u$user, u$arm, function(x) length(unique(x)))
# Additive metric: saves per user. Each surface's mean is over all users of
# the arm (zeros included), so the surface lifts add up to the total lift.
tot <- tapply(u$saves, u$arm, sum) / n
put("saves_total_lift", tot[["1"]] - tot[["0"]])
for (s in unique(u$surface)) {
  v <- u[u$surface == s, ]
  m <- tapply(v$saves, v$arm, sum) / n
  put(paste0("saves_", s, "_lift"), m[["1"]] - m[["0"]])
  put(paste0("saves_", s, "_share"), (m[["1"]] - m[["0"]]) / (tot[["1"]] - tot[["0"]]))
}
# Ratio metric saves / impressions: per-surface ratio lifts do not add up to
# the total ratio lift (the impression mix differs between arms) ...
rt <- tapply(u$saves, u$arm, sum) / tapply(u$impressions, u$arm, sum)
put("rate_total_lift", rt[["1"]] - rt[["0"]])
acc <- 0
for (s in unique(u$surface)) {
  v <- u[u$surface == s, ]
  r <- tapply(v$saves, v$arm, sum) / tapply(v$impressions, v$arm, sum)
  put(paste0("rate_", s, "_lift"), r[["1"]] - r[["0"]])
  acc <- acc + r[["1"]] - r[["0"]]
  # ... but contributions (surface saves over all impressions) do.
  cb <- tapply(v$saves, v$arm, sum) / tapply(u$impressions, u$arm, sum)
  put(paste0("rate_contribution_", s, "_share"), (cb[["1"]] - cb[["0"]]) / (rt[["1"]] - rt[["0"]]))
}
put("rate_sum_of_surface_lifts", acc)
print(out, digits = 12)
write.csv(transform(out, value = sprintf("%.15g", value)), "expected.csv", row.names = FALSE, quote = FALSE)
