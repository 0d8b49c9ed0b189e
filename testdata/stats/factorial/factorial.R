# Golden for runtime/stats/factorial.go (STATS-REFERENCE §10): a 2^3
# factorial with unequal cells, planted main effects and a planted A:B
# interaction. Run from this folder:  Rscript factorial.R > expected.txt
# (R 4.2.2, sandwich 3.0.2, estimatr 1.0.0). data.csv is committed; it is
# generated here only when absent, so the committed file is the reference.
suppressMessages({library(sandwich); library(estimatr)})

if (!file.exists("data.csv")) {
  set.seed(20261105)
  sizes <- c(12, 7, 15, 9, 20, 6, 11, 14)          # cell (a,b,c) sizes, a fastest
  cells <- expand.grid(a = 0:1, b = 0:1, c = 0:1)
  rows <- lapply(1:8, function(i) {
    a <- cells$a[i]; b <- cells$b[i]; c <- cells$c[i]; n <- sizes[i]
    mu <- 10 + 2 * a + 1 * b - 0.5 * c + 3 * a * b   # planted effects
    d <- 1 + rpois(n, 4)
    data.frame(a = a, b = b, c = c,
               y = round(mu + rnorm(n, 0, 1 + a + 0.5 * c), 3),
               m = rpois(n, d * (0.20 + 0.05 * a + 0.03 * b + 0.04 * a * b)), d = d)
  })
  write.csv(do.call(rbind, rows), "data.csv", row.names = FALSE, quote = FALSE)
}
u <- read.csv("data.csv")
print(table(a = u$a, b = u$b, c = u$c))

out <- data.frame(metric = character(), coding = character(), term = character(),
                  quantity = character(), value = numeric())
put <- function(metric, coding, term, quantity, value)
  out[nrow(out) + 1, ] <<- list(metric, coding, term, quantity, value)

# Mean metric: saturated OLS, HC2 (estimatr default) and HC1, both codings.
u$ea <- u$a - 0.5; u$eb <- u$b - 0.5; u$ec <- u$c - 0.5
codings <- list(dummy = y ~ a * b * c, effect = y ~ ea * eb * ec)
for (coding in names(codings)) {
  r <- lm_robust(codings[[coding]], u, se_type = "HC2")
  t <- tidy(r)
  hc1 <- sqrt(diag(vcovHC(lm(codings[[coding]], u), type = "HC1")))
  for (i in seq_len(nrow(t))) {
    term <- gsub("e([abc])", "\\1", t$term[i])  # ea:eb -> a:b
    put("mean", coding, term, "estimate", t$estimate[i])
    put("mean", coding, term, "hc2_se", t$std.error[i])
    put("mean", coding, term, "df", t$df[i])
    put("mean", coding, term, "p", t$p.value[i])
    put("mean", coding, term, "lo", t$conf.low[i])
    put("mean", coding, term, "hi", t$conf.high[i])
    put("mean", coding, term, "hc1_se", hc1[[t$term[i]]])
  }
}

# Shapley attribution of the all-new minus all-baseline effect, by the
# definition (the average over the 3! orders of each factor's marginal
# contribution), written as a linear combination L of the dummy-coded
# coefficients, so its standard error is sqrt(L' V L) with V from
# sandwich::vcovHC(type = "HC2").
fs <- c("a", "b", "c")
perms <- list(c(1,2,3), c(1,3,2), c(2,1,3), c(2,3,1), c(3,1,2), c(3,2,1))
cellL <- function(fit, on) {   # L . coef(fit) = mean of the cell with factors `on` set
  nm <- names(coef(fit)); L <- setNames(numeric(length(nm)), nm)
  for (t in nm) {
    parts <- if (t == "(Intercept)") character(0) else strsplit(t, ":")[[1]]
    if (all(parts %in% on)) L[t] <- 1
  }
  L }
shapleyL <- function(fit, j) {
  acc <- 0
  for (p in perms) {
    on <- character(0)
    for (k in p) {
      if (fs[k] == j) acc <- acc + cellL(fit, c(on, j)) - cellL(fit, on)
      on <- c(on, fs[k])
    }
  }
  acc / length(perms) }
fit <- lm(y ~ a * b * c, u)
V <- vcovHC(fit, type = "HC2")
attrib <- function(metric, fit, V) {
  Ls <- c(lapply(fs, function(j) shapleyL(fit, j)),
          list(cellL(fit, fs) - cellL(fit, character(0))))
  for (i in seq_along(Ls)) {
    L <- Ls[[i]]; term <- if (i <= 3) fs[i] else "all"
    kind <- if (i <= 3) "shapley" else "combined"
    put(metric, kind, term, "estimate", sum(L * coef(fit)))
    put(metric, kind, term, "se", sqrt(drop(t(L) %*% V %*% L)))
  }
}
attrib("mean", fit, V)

# Ratio metric sum(m)/sum(d) per cell: the point estimates are the weighted
# saturated regression m/d ~ a*b*c (weights d); each cell's delta-method
# variance (STATS-REFERENCE §2) is sandwich's clustered variance of that cell's
# intercept-only WLS with each unit its own cluster (cadjust n/(n-1)), and
# the coefficients' covariance is W diag(v) W' with W the inverse of the
# cell-level model matrix (coefficients as contrasts of cell ratios).
u$ratio <- u$m / u$d; u$id <- seq_len(nrow(u))
cells <- expand.grid(a = 0:1, b = 0:1, c = 0:1)
cv <- sapply(1:8, function(i) {
  s <- u[u$a == cells$a[i] & u$b == cells$b[i] & u$c == cells$c[i], ]
  vcovCL(lm(ratio ~ 1, s, weights = d), cluster = ~id, type = "HC0")[1, 1] })
for (coding in names(codings)) {
  f <- update(codings[[coding]], ratio ~ .)
  fitr <- lm(f, u, weights = d)
  cells$ea <- cells$a - 0.5; cells$eb <- cells$b - 0.5; cells$ec <- cells$c - 0.5
  W <- solve(model.matrix(update(f, NULL ~ .), cells))
  Vr <- W %*% diag(cv) %*% t(W)
  for (t in names(coef(fitr))) {
    term <- gsub("e([abc])", "\\1", t)
    put("ratio", coding, term, "estimate", coef(fitr)[[t]])
    put("ratio", coding, term, "se", sqrt(Vr[t, t]))
  }
  if (coding == "dummy") attrib("ratio", fitr, Vr)
}
print(out, digits = 10)
write.csv(transform(out, value = sprintf("%.15g", value)), "expected.csv",
          row.names = FALSE, quote = FALSE)
