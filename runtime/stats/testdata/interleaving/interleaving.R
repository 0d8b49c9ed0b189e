# Reference values for runtime/stats/interleaving.go, written from the
# formulas (not from Caliper's code):
#   test unit: the share R = sum(w) / sum(d) over units (d = wins + losses),
#     its delta-method variance by linearisation, var(w - R d) / (n mean(d)^2),
#     z = (R - 1/2) / se, p = 2 pnorm(-|z|), interval R -/+ qnorm(1 - a/2) se;
#   test sign: binom.test(sum(w), sum(d), 0.5, conf.level = 1 - a);
#   mean preference: t.test((w - l) / s, conf.level = 1 - a).
# Writes units.csv (case, wins, losses, ties per unit) and expected.json.
# Run: Rscript interleaving.R   (R 4.2.2; base R only)
set.seed(20261204)

make_case <- function(n, pref, max_sessions, tie_p) {
  s <- 1 + rpois(n, max_sessions - 1)
  u <- pmin(pmax(rnorm(n, pref, 0.1), 0.01), 0.99)  # each user's own preference
  w <- l <- t <- integer(n)
  for (i in seq_len(n)) {
    tie <- rbinom(1, s[i], tie_p)
    w[i] <- rbinom(1, s[i] - tie, u[i])
    l[i] <- s[i] - tie - w[i]
    t[i] <- tie
  }
  data.frame(wins = w, losses = l, ties = t)
}

cases <- list(
  list(name = "moderate", alpha = 0.05, d = make_case(400, 0.55, 4, 0.6)),
  list(name = "small",    alpha = 0.10, d = make_case(12, 0.6, 3, 0.3)),
  list(name = "null",     alpha = 0.05, d = make_case(300, 0.5, 6, 0.7)),
  list(name = "strong",   alpha = 0.01, d = make_case(150, 0.7, 2, 0.5))
)

num <- function(x) trimws(formatC(x, digits = 17, format = "g"))
out <- character(0)
rows <- character(0)
for (cs in cases) {
  d <- cs$d; a <- cs$alpha
  rows <- c(rows, sprintf("%s,%d,%d,%d", cs$name, d$wins, d$losses, d$ties))
  w <- d$wins; l <- d$losses; s <- w + l + d$ties; dec <- w + l
  n <- length(w)
  R <- sum(w) / sum(dec)
  se <- sqrt(var(w - R * dec) / (n * mean(dec)^2))
  z <- qnorm(1 - a / 2)
  pu <- 2 * pnorm(-abs((R - 0.5) / se))
  bt <- binom.test(sum(w), sum(dec), 0.5, conf.level = 1 - a)
  tt <- t.test((w - l) / s, conf.level = 1 - a)
  out <- c(out, paste0(
    '  "', cs$name, '": {"alpha": ', num(a),
    ', "units": ', n, ', "sessions": ', sum(s), ', "wins": ', sum(w),
    ', "losses": ', sum(l), ', "ties": ', sum(d$ties),
    ',\n    "unit": {"share": ', num(R), ', "se": ', num(se),
    ', "lower": ', num(R - z * se), ', "upper": ', num(R + z * se), ', "p": ', num(pu), '}',
    ',\n    "sign": {"share": ', num(unname(bt$estimate)), ', "lower": ', num(bt$conf.int[1]),
    ', "upper": ', num(bt$conf.int[2]), ', "p": ', num(bt$p.value), '}',
    ',\n    "mean": {"estimate": ', num(unname(tt$estimate)), ', "lower": ', num(tt$conf.int[1]),
    ', "upper": ', num(tt$conf.int[2]), ', "p": ', num(tt$p.value),
    ', "df": ', num(unname(tt$parameter)), '}}'))
}
writeLines(c("case,wins,losses,ties", rows), "units.csv")
writeLines(c("{", paste(out, collapse = ",\n"), "}"), "expected.json")
