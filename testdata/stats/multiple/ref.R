# Golden for runtime/stats/multiple.go (STATS-REFERENCE §7): R p.adjust.
# Run from this folder:  Rscript ref.R > expected.json   (R 4.2.2, jsonlite)
# Each case holds its input p-values so the Go test needs nothing else.
# Missing values: Caliper keeps them in the family (conservative), which is
# R's p.adjust(p, method, n = length(p)); R's default (n = number of
# non-NA values) is printed too, to document the difference.
library(jsonlite)
methods <- c(holm = "holm", bh = "BH", bonferroni = "bonferroni", none = "none")
adj <- function(p, n = length(p)) lapply(methods, function(m) {
  a <- p.adjust(p, m, n = n); a[is.na(a)] <- -1; I(a) })   # -1 marks NA in JSON
case <- function(name, source, p) list(name = name, source = source,
  p = I(ifelse(is.na(p), -1, p)), adjusted = adj(p))

# ab_basic: the five metrics' p-values of hf_ranker_v2 (shared/reference/
# ab_basic/expected.json, results[].p_value in file order).
ab <- fromJSON("../../../../shared/reference/ab_basic/expected.json")$results
set.seed(20261104)
rnd <- round(c(runif(12)^3, 0.5, 0.5, 1, 0), 6)   # ties, 0 and 1 included
na <- c(0.01, NA, 0.02, 0.04, 0.3)
cases <- list(
  case("g8_holm", "GrowthBook experiments.test.ts (G8)", c(0.01, 0.04, 0.03, 0.005, 0.55, 0.6)),
  case("g8_bh", "GrowthBook experiments.test.ts (G8)", c(0.898, 0.138, 0.007, 0.964, 0.538, 0.006, 0.138)),
  case("g8_two", "GrowthBook experiments.test.ts (G8)", c(0.025, 0.03)),
  c(case("ab_basic_five_metrics", "ab_basic expected.json p_value", ab$p_value),
    list(metrics = ab$metric)),
  case("random_with_ties", "set.seed(20261104); runif(12)^3 plus ties, 0 and 1", rnd),
  case("one", "single p-value", 0.03),
  c(case("missing", "NA kept in the family: p.adjust(p, n = length(p))", na),
    list(r_default = adj(na, n = sum(!is.na(na)))))
)
cat(toJSON(list(generator = "testdata/stats/multiple/ref.R", r = R.version.string,
  cases = cases), digits = NA, auto_unbox = TRUE, pretty = TRUE), "\n")
