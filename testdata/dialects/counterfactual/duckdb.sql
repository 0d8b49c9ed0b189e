-- caliper: counterfactual ranker_softmax, policy softmax 0.5, clip 50
WITH
"src_logged" AS (
  SELECT CAST("user_id" AS VARCHAR) AS "user_id", CAST("request_id" AS VARCHAR) AS "request_id", CAST("item_id" AS VARCHAR) AS "item_id", CAST("propensity" AS DOUBLE) AS "propensity", CAST("reward" AS DOUBLE) AS "reward" FROM "analytics"."logged"
),
"src_candidate_scores" AS (
  SELECT CAST("model" AS VARCHAR) AS "model", CAST("request_id" AS VARCHAR) AS "request_id", CAST("item_id" AS VARCHAR) AS "item_id", CAST("model score" AS DOUBLE) AS "model score", CAST("predicted" AS DOUBLE) AS "predicted" FROM "analytics"."candidate_scores"
),
"cf_logged" AS (
  SELECT "user_id" AS "unit", "request_id" AS "request", "item_id" AS "action",
    CAST("propensity" AS DOUBLE) AS "mu", CAST("reward" AS DOUBLE) AS "r"
  FROM "src_logged"
),
"cf_check" AS (
  SELECT COUNT(*) AS "logged_rows", COUNT(DISTINCT "request") AS "requests",
    COALESCE(SUM(CASE WHEN "unit" IS NOT NULL AND "request" IS NOT NULL AND "action" IS NOT NULL AND "r" IS NOT NULL AND "mu" > 0 AND "mu" <= 1 THEN 0 ELSE 1 END), 0) AS "invalid_rows"
  FROM "cf_logged"
),
"cf_logs" AS (
  SELECT "unit", "request", "action", "mu", "r" FROM "cf_logged"
  WHERE "unit" IS NOT NULL AND "request" IS NOT NULL AND "action" IS NOT NULL AND "r" IS NOT NULL AND "mu" > 0 AND "mu" <= 1
),
"cf_cands" AS (
  SELECT "model" AS "model", "request_id" AS "request", "item_id" AS "action",
    CAST("model score" AS DOUBLE) AS "score", CAST("predicted" AS DOUBLE) AS "q"
  FROM "src_candidate_scores"
  WHERE "model" IS NOT NULL AND "request_id" IS NOT NULL AND "model score" IS NOT NULL
    AND "request_id" IN (SELECT "request" FROM "cf_logs")
),
"cf_models" AS (
  SELECT DISTINCT "model" AS "model" FROM "src_candidate_scores" WHERE "model" IS NOT NULL
),
"cf_dups" AS (
  SELECT COUNT(*) AS "repeated_candidates" FROM (
    SELECT 1 AS "one" FROM "cf_cands" GROUP BY "model", "request", "action" HAVING COUNT(*) > 1
  ) x
),
"cf_best" AS (
  SELECT "model", "request", "action", "score", "q",
    MAX("score") OVER (PARTITION BY "model", "request") AS "best"
  FROM "cf_cands"
),
"cf_pi" AS (
  SELECT "model", "request", "action", "q",
    EXP(("score" - "best") / 0.5) / SUM(EXP(("score" - "best") / 0.5)) OVER (PARTITION BY "model", "request") AS "pi"
  FROM "cf_best"
),
"cf_direct" AS (
  SELECT "model", "request", fsum("pi" * "q") AS "direct",
    SUM(CASE WHEN "q" IS NULL AND "pi" > 0 THEN 1 ELSE 0 END) AS "missing_q"
  FROM "cf_pi"
  GROUP BY "model", "request"
),
"cf_decisions" AS (
  SELECT m."model", l."unit", l."r", l."mu",
    COALESCE(p."pi", 0) AS "pi", p."q" AS "q",
    COALESCE(c."direct", 0) AS "direct", COALESCE(c."missing_q", 0) AS "missing_q",
    COALESCE(p."pi", 0) / l."mu" AS "w"
  FROM "cf_logs" l
  CROSS JOIN "cf_models" m
  LEFT JOIN "cf_pi" p ON p."model" = m."model" AND p."request" = l."request" AND p."action" = l."action"
  LEFT JOIN "cf_direct" c ON c."model" = m."model" AND c."request" = l."request"
),
"cf_weighted" AS (
  SELECT "model", "unit", "r", "pi", "q", "direct", "missing_q", "w", CASE WHEN "w" > 50 THEN 50 ELSE "w" END AS "wc", CASE WHEN "w" > 50 THEN 1 ELSE 0 END AS "clipped"
  FROM "cf_decisions"
),
"cf_units" AS (
  SELECT "model", "unit",
    CAST(COUNT(*) AS DOUBLE) AS "n", fsum("r") AS "r", fsum("w") AS "w", fsum("wc") AS "wc",
    fsum("wc" * "r") AS "wr", fsum("direct" + CASE WHEN "wc" = 0 THEN 0 ELSE "wc" * ("r" - "q") END) AS "dr",
    fsum("w" * "w") AS "ww", MAX("w") AS "max_w", SUM("clipped") AS "clipped",
    SUM(CASE WHEN "pi" = 0 THEN 1 ELSE 0 END) AS "never_taken", SUM("missing_q") AS "missing_q"
  FROM "cf_weighted"
  GROUP BY "model", "unit"
)
SELECT u."model",
  COUNT(*) AS "units",
  fsum(u."n") AS "sum_n",
  fsum(u."r") AS "sum_r",
  fsum(u."w") AS "sum_w",
  fsum(u."wc") AS "sum_wc",
  fsum(u."wr") AS "sum_wr",
  fsum(u."dr") AS "sum_dr",
  fsum(u."n" * u."n") AS "x_n_n",
  fsum(u."n" * u."r") AS "x_n_r",
  fsum(u."n" * u."w") AS "x_n_w",
  fsum(u."n" * u."wc") AS "x_n_wc",
  fsum(u."n" * u."wr") AS "x_n_wr",
  fsum(u."n" * u."dr") AS "x_n_dr",
  fsum(u."r" * u."r") AS "x_r_r",
  fsum(u."r" * u."w") AS "x_r_w",
  fsum(u."r" * u."wc") AS "x_r_wc",
  fsum(u."r" * u."wr") AS "x_r_wr",
  fsum(u."r" * u."dr") AS "x_r_dr",
  fsum(u."w" * u."w") AS "x_w_w",
  fsum(u."w" * u."wc") AS "x_w_wc",
  fsum(u."w" * u."wr") AS "x_w_wr",
  fsum(u."w" * u."dr") AS "x_w_dr",
  fsum(u."wc" * u."wc") AS "x_wc_wc",
  fsum(u."wc" * u."wr") AS "x_wc_wr",
  fsum(u."wc" * u."dr") AS "x_wc_dr",
  fsum(u."wr" * u."wr") AS "x_wr_wr",
  fsum(u."wr" * u."dr") AS "x_wr_dr",
  fsum(u."dr" * u."dr") AS "x_dr_dr",
  fsum(u."ww") AS "sum_ww",
  MAX(u."max_w") AS "max_w",
  SUM(u."clipped") AS "clipped",
  SUM(u."never_taken") AS "never_taken",
  SUM(u."missing_q") AS "missing_q",
  MIN(k."logged_rows") AS "logged_rows",
  MIN(k."requests") AS "requests",
  MIN(k."invalid_rows") AS "invalid_rows",
  MIN(x."repeated_candidates") AS "repeated_candidates"
FROM "cf_units" u
CROSS JOIN "cf_check" k
CROSS JOIN "cf_dups" x
GROUP BY u."model"
ORDER BY u."model";

-- caliper: counterfactual ranker_greedy, policy greedy, clip none
WITH
"src_logged" AS (
  SELECT CAST("user_id" AS VARCHAR) AS "user_id", CAST("request_id" AS VARCHAR) AS "request_id", CAST("item_id" AS VARCHAR) AS "item_id", CAST("propensity" AS DOUBLE) AS "propensity", CAST("reward" AS DOUBLE) AS "reward" FROM "analytics"."logged"
),
"src_candidate_scores" AS (
  SELECT CAST("model" AS VARCHAR) AS "model", CAST("request_id" AS VARCHAR) AS "request_id", CAST("item_id" AS VARCHAR) AS "item_id", CAST("model score" AS DOUBLE) AS "model score", CAST("predicted" AS DOUBLE) AS "predicted" FROM "analytics"."candidate_scores"
),
"cf_logged" AS (
  SELECT "user_id" AS "unit", "request_id" AS "request", "item_id" AS "action",
    CAST("propensity" AS DOUBLE) AS "mu", CAST("reward" AS DOUBLE) AS "r"
  FROM "src_logged"
),
"cf_check" AS (
  SELECT COUNT(*) AS "logged_rows", COUNT(DISTINCT "request") AS "requests",
    COALESCE(SUM(CASE WHEN "unit" IS NOT NULL AND "request" IS NOT NULL AND "action" IS NOT NULL AND "r" IS NOT NULL AND "mu" > 0 AND "mu" <= 1 THEN 0 ELSE 1 END), 0) AS "invalid_rows"
  FROM "cf_logged"
),
"cf_logs" AS (
  SELECT "unit", "request", "action", "mu", "r" FROM "cf_logged"
  WHERE "unit" IS NOT NULL AND "request" IS NOT NULL AND "action" IS NOT NULL AND "r" IS NOT NULL AND "mu" > 0 AND "mu" <= 1
),
"cf_cands" AS (
  SELECT "model" AS "model", "request_id" AS "request", "item_id" AS "action",
    CAST("model score" AS DOUBLE) AS "score", CAST(NULL AS DOUBLE) AS "q"
  FROM "src_candidate_scores"
  WHERE "model" IS NOT NULL AND "request_id" IS NOT NULL AND "model score" IS NOT NULL
    AND "request_id" IN (SELECT "request" FROM "cf_logs")
),
"cf_models" AS (
  SELECT DISTINCT "model" AS "model" FROM "src_candidate_scores" WHERE "model" IS NOT NULL
),
"cf_dups" AS (
  SELECT COUNT(*) AS "repeated_candidates" FROM (
    SELECT 1 AS "one" FROM "cf_cands" GROUP BY "model", "request", "action" HAVING COUNT(*) > 1
  ) x
),
"cf_best" AS (
  SELECT "model", "request", "action", "score", "q",
    MAX("score") OVER (PARTITION BY "model", "request") AS "best"
  FROM "cf_cands"
),
"cf_pi" AS (
  SELECT "model", "request", "action", "q",
    CASE WHEN "score" = "best" THEN 1.0 ELSE 0.0 END / SUM(CASE WHEN "score" = "best" THEN 1.0 ELSE 0.0 END) OVER (PARTITION BY "model", "request") AS "pi"
  FROM "cf_best"
),
"cf_direct" AS (
  SELECT "model", "request", fsum("pi" * "q") AS "direct",
    0 AS "missing_q"
  FROM "cf_pi"
  GROUP BY "model", "request"
),
"cf_decisions" AS (
  SELECT m."model", l."unit", l."r", l."mu",
    COALESCE(p."pi", 0) AS "pi", p."q" AS "q",
    COALESCE(c."direct", 0) AS "direct", COALESCE(c."missing_q", 0) AS "missing_q",
    COALESCE(p."pi", 0) / l."mu" AS "w"
  FROM "cf_logs" l
  CROSS JOIN "cf_models" m
  LEFT JOIN "cf_pi" p ON p."model" = m."model" AND p."request" = l."request" AND p."action" = l."action"
  LEFT JOIN "cf_direct" c ON c."model" = m."model" AND c."request" = l."request"
),
"cf_weighted" AS (
  SELECT "model", "unit", "r", "pi", "q", "direct", "missing_q", "w", "w" AS "wc", 0 AS "clipped"
  FROM "cf_decisions"
),
"cf_units" AS (
  SELECT "model", "unit",
    CAST(COUNT(*) AS DOUBLE) AS "n", fsum("r") AS "r", fsum("w") AS "w", fsum("wc") AS "wc",
    fsum("wc" * "r") AS "wr", fsum("direct") AS "dr",
    fsum("w" * "w") AS "ww", MAX("w") AS "max_w", SUM("clipped") AS "clipped",
    SUM(CASE WHEN "pi" = 0 THEN 1 ELSE 0 END) AS "never_taken", SUM("missing_q") AS "missing_q"
  FROM "cf_weighted"
  GROUP BY "model", "unit"
)
SELECT u."model",
  COUNT(*) AS "units",
  fsum(u."n") AS "sum_n",
  fsum(u."r") AS "sum_r",
  fsum(u."w") AS "sum_w",
  fsum(u."wc") AS "sum_wc",
  fsum(u."wr") AS "sum_wr",
  fsum(u."dr") AS "sum_dr",
  fsum(u."n" * u."n") AS "x_n_n",
  fsum(u."n" * u."r") AS "x_n_r",
  fsum(u."n" * u."w") AS "x_n_w",
  fsum(u."n" * u."wc") AS "x_n_wc",
  fsum(u."n" * u."wr") AS "x_n_wr",
  fsum(u."n" * u."dr") AS "x_n_dr",
  fsum(u."r" * u."r") AS "x_r_r",
  fsum(u."r" * u."w") AS "x_r_w",
  fsum(u."r" * u."wc") AS "x_r_wc",
  fsum(u."r" * u."wr") AS "x_r_wr",
  fsum(u."r" * u."dr") AS "x_r_dr",
  fsum(u."w" * u."w") AS "x_w_w",
  fsum(u."w" * u."wc") AS "x_w_wc",
  fsum(u."w" * u."wr") AS "x_w_wr",
  fsum(u."w" * u."dr") AS "x_w_dr",
  fsum(u."wc" * u."wc") AS "x_wc_wc",
  fsum(u."wc" * u."wr") AS "x_wc_wr",
  fsum(u."wc" * u."dr") AS "x_wc_dr",
  fsum(u."wr" * u."wr") AS "x_wr_wr",
  fsum(u."wr" * u."dr") AS "x_wr_dr",
  fsum(u."dr" * u."dr") AS "x_dr_dr",
  fsum(u."ww") AS "sum_ww",
  MAX(u."max_w") AS "max_w",
  SUM(u."clipped") AS "clipped",
  SUM(u."never_taken") AS "never_taken",
  SUM(u."missing_q") AS "missing_q",
  MIN(k."logged_rows") AS "logged_rows",
  MIN(k."requests") AS "requests",
  MIN(k."invalid_rows") AS "invalid_rows",
  MIN(x."repeated_candidates") AS "repeated_candidates"
FROM "cf_units" u
CROSS JOIN "cf_check" k
CROSS JOIN "cf_dups" x
GROUP BY u."model"
ORDER BY u."model";

