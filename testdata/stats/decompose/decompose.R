# Golden for runtime/stats/decompose.go (LANGUAGE.md `decompose`, metric
# saves_per_user_decomposed): saves_per_user = sessions_per_user *
# saves_per_session per arm, each factor's relative lift and its log-lift
# share log(1 + lift_i) / log(1 + lift_total). Run from this folder:
#   Rscript decompose.R > expected.txt      (R 4.2.2)
# data.csv is committed; it is generated here only when absent.
if (!file.exists("data.csv")) {
  set.seed(20261106)
  n <- c(180, 190)
  rows <- lapply(0:1, function(a) {
    sessions <- rpois(n[a + 1], 2.5 + 0.3 * a)       # some users have 0 sessions
    data.frame(arm = a, user = sprintf("u%d_%03d", a, seq_len(n[a + 1])),
               sessions = sessions, saves = rpois(n[a + 1], sessions * (0.4 + 0.05 * a)))
  })
  write.csv(do.call(rbind, rows), "data.csv", row.names = FALSE, quote = FALSE)
}
u <- read.csv("data.csv")
out <- data.frame(quantity = character(), value = numeric())
put <- function(q, v) out[nrow(out) + 1, ] <<- list(q, v)
arm <- function(a) {
  s <- u[u$arm == a, ]
  c(total = sum(s$saves) / nrow(s),                     # saves_per_user
    sessions_per_user = sum(s$sessions) / nrow(s),
    saves_per_session = sum(s$saves) / sum(s$sessions),  # ratio metric
    # a different estimand: mean over users with sessions of saves/sessions
    mean_of_ratios = mean(s$saves[s$sessions > 0] / s$sessions[s$sessions > 0]))
}
c0 <- arm(0); t1 <- arm(1)
for (nm in names(c0)) { put(paste0(nm, "_control"), c0[[nm]]); put(paste0(nm, "_treatment"), t1[[nm]]) }
lift <- t1 / c0 - 1
for (nm in names(lift)) put(paste0(nm, "_lift"), lift[[nm]])
put("identity_control_residual", c0[["total"]] - c0[["sessions_per_user"]] * c0[["saves_per_session"]])
for (nm in c("sessions_per_user", "saves_per_session"))
  put(paste0(nm, "_share"), log1p(lift[[nm]]) / log1p(lift[["total"]]))
# With the wrong estimand the identity fails: the residual log-lift.
put("mean_of_ratios_residual", log1p(lift[["total"]]) - log1p(lift[["sessions_per_user"]]) - log1p(lift[["mean_of_ratios"]]))
print(out, digits = 12)
write.csv(transform(out, value = sprintf("%.15g", value)), "expected.csv", row.names = FALSE, quote = FALSE)
