-- caliper: experiment hf_ranker_v3_ab, 2 metric(s), 1 source scan(s)
WITH
"src_ab_exposures" AS (
  SELECT CAST("user_id" AS VARCHAR) AS "user_id", CAST(CAST("ts" AS TIMESTAMPTZ) AS TIMESTAMP) AS "ts", CAST("experiment" AS VARCHAR) AS "experiment", CAST("variant" AS VARCHAR) AS "variant" FROM read_csv('interleaving/data/ab_exposures.csv', header = true)
),
"src_ab_events" AS (
  SELECT CAST("user_id" AS VARCHAR) AS "user_id", CAST(CAST("ts" AS TIMESTAMPTZ) AS TIMESTAMP) AS "ts", CAST("event" AS VARCHAR) AS "event" FROM read_csv('interleaving/data/ab_events.csv', header = true)
),
"assignments" AS (
  SELECT "user_id" AS "unit", min(CAST("variant" AS VARCHAR)) AS "variant", count(DISTINCT "variant") AS "variants", min(CAST("ts" AS TIMESTAMP)) AS "t0"
  FROM "src_ab_exposures"
  WHERE ("experiment" = 'hf_ranker_v3')
    AND "ts" IS NOT NULL
    AND "variant" IS NOT NULL
    AND "variant" <> ''
    AND "user_id" IS NOT NULL
    AND "user_id" <> ''
  GROUP BY 1
),
"units" AS (
  SELECT "unit", "variant", "t0" FROM "assignments" WHERE "variants" = 1
),
"scan_1" AS (
  SELECT u."unit", u."variant",
    count(*) FILTER (WHERE (s."event" = 'click') AND s."user_id" IS NOT NULL) AS "a1",
    count(*) FILTER (WHERE (s."event" = 'save') AND s."user_id" IS NOT NULL) AS "a2"
  FROM "units" u
  LEFT JOIN "src_ab_events" s ON s."user_id" = u."unit"
    AND s."ts" >= u."t0"
  GROUP BY u."unit", u."variant"
),
"per_unit" AS (
  SELECT j1."unit", j1."variant",
    coalesce(j1."a1", 0) AS "a1",
    coalesce(j1."a2", 0) AS "a2"
  FROM "scan_1" j1
),
"values_raw" AS (
  SELECT "variant",
    CAST("a1" AS BIGINT) AS "m1",
    CAST("a2" AS BIGINT) AS "m2"
  FROM "per_unit"
),
"values" AS (SELECT * FROM "values_raw")
SELECT "variant",
  count(*) AS "units",
  count("m1") AS "m1_n",
  coalesce(sum("m1"), 0) AS "m1_sum",
  coalesce(sum("m1" * "m1"), 0) AS "m1_sumsq",
  count("m2") AS "m2_n",
  coalesce(sum("m2"), 0) AS "m2_sum",
  coalesce(sum("m2" * "m2"), 0) AS "m2_sumsq",
  (SELECT count(*) FROM "assignments" WHERE "variants" > 1) AS "excluded_multiple_variants"
FROM "values"
GROUP BY "variant"
ORDER BY "variant";

-- caliper: interleaving hf_ranker_v3_il, 2 credit(s), baseline v2
WITH
"src_interleaved" AS (
  SELECT CAST("user_id" AS VARCHAR) AS "user_id", CAST("session_id" AS VARCHAR) AS "session_id", CAST(CAST("ts" AS TIMESTAMPTZ) AS TIMESTAMP) AS "ts", CAST("item_id" AS VARCHAR) AS "item_id", CAST("position" AS BIGINT) AS "position", CAST("team" AS VARCHAR) AS "team", CAST("clicked" AS BOOLEAN) AS "clicked", CAST("saved" AS BOOLEAN) AS "saved" FROM read_csv('interleaving/data/interleaved.csv', header = true)
),
"il_rows" AS (
  SELECT "user_id" AS "unit",
    "session_id" AS "session",
    "team" AS "team",
    CAST("clicked" AS BIGINT) AS "c1",
    CAST("saved" AS BIGINT) AS "c2",
    "position" AS "ord",
    MIN("position") OVER (PARTITION BY "user_id", "session_id") AS "first_ord"
  FROM "src_interleaved"
  WHERE "team" IS NOT NULL AND "team" <> '' AND "user_id" IS NOT NULL AND "session_id" IS NOT NULL
),
"il_sessions" AS (
  SELECT "unit",
    "session",
    MIN(CASE WHEN "team" <> 'v2' THEN "team" END) AS "variant",
    COUNT(DISTINCT CASE WHEN "team" <> 'v2' THEN "team" END) AS "variants",
    COALESCE(SUM(CASE WHEN "team" = 'v2' THEN "c1" END), 0) AS "b1",
    COALESCE(SUM(CASE WHEN "team" <> 'v2' THEN "c1" END), 0) AS "t1",
    COALESCE(SUM(CASE WHEN "team" = 'v2' THEN "c2" END), 0) AS "b2",
    COALESCE(SUM(CASE WHEN "team" <> 'v2' THEN "c2" END), 0) AS "t2",
    MAX(CASE WHEN "ord" = "first_ord" AND "team" = 'v2' THEN 1 ELSE 0 END) AS "first_b",
    MAX(CASE WHEN "ord" = "first_ord" AND "team" <> 'v2' THEN 1 ELSE 0 END) AS "first_t"
  FROM "il_rows"
  GROUP BY "unit", "session"
),
"il_status" AS (
  SELECT "il_sessions".*, CASE WHEN "variants" = 0 THEN 'no_treatment' WHEN "variants" > 1 THEN 'several_treatments' WHEN "variants" = 1 THEN 'compared' ELSE 'other_team' END AS "status"
  FROM "il_sessions"
),
"il_units" AS (
  SELECT "status",
    "variant",
    "unit",
    COUNT(*) AS "s",
    SUM(CASE WHEN "t1" > "b1" THEN 1 ELSE 0 END) AS "w1",
    SUM(CASE WHEN "t1" < "b1" THEN 1 ELSE 0 END) AS "l1",
    SUM(CASE WHEN "t2" > "b2" THEN 1 ELSE 0 END) AS "w2",
    SUM(CASE WHEN "t2" < "b2" THEN 1 ELSE 0 END) AS "l2",
    SUM(CASE WHEN "first_b" = 1 AND "first_t" = 0 THEN 1 ELSE 0 END) AS "fb",
    SUM(CASE WHEN "first_t" = 1 AND "first_b" = 0 THEN 1 ELSE 0 END) AS "ft"
  FROM (
    SELECT "status", CASE WHEN "status" IN ('compared', 'other_team') THEN "variant" END AS "variant", "unit", "b1", "t1", "b2", "t2", "first_b", "first_t"
    FROM "il_status"
  ) "x"
  GROUP BY "status", "variant", "unit"
)
SELECT "status" AS "status",
  "variant" AS "variant",
  COUNT(*) AS "units",
  SUM("s") AS "sessions",
  SUM("fb") AS "first_baseline",
  SUM("ft") AS "first_treatment",
  SUM("w1") AS "wins_1",
  SUM("l1") AS "losses_1",
  SUM("w1" * "w1") AS "sq_wins_1",
  SUM(("w1" + "l1") * ("w1" + "l1")) AS "sq_decided_1",
  SUM("w1" * ("w1" + "l1")) AS "wins_decided_1",
  fsum((CAST("w1" - "l1" AS DOUBLE) / CAST("s" AS DOUBLE))) AS "pref_1",
  fsum((CAST("w1" - "l1" AS DOUBLE) / CAST("s" AS DOUBLE)) * (CAST("w1" - "l1" AS DOUBLE) / CAST("s" AS DOUBLE))) AS "sq_pref_1",
  SUM("w2") AS "wins_2",
  SUM("l2") AS "losses_2",
  SUM("w2" * "w2") AS "sq_wins_2",
  SUM(("w2" + "l2") * ("w2" + "l2")) AS "sq_decided_2",
  SUM("w2" * ("w2" + "l2")) AS "wins_decided_2",
  fsum((CAST("w2" - "l2" AS DOUBLE) / CAST("s" AS DOUBLE))) AS "pref_2",
  fsum((CAST("w2" - "l2" AS DOUBLE) / CAST("s" AS DOUBLE)) * (CAST("w2" - "l2" AS DOUBLE) / CAST("s" AS DOUBLE))) AS "sq_pref_2"
FROM "il_units"
GROUP BY "status", "variant"
ORDER BY "status", "variant";

-- caliper: interleaving hf_ranker_v3_il_sign, 2 credit(s), baseline v2
WITH
"src_interleaved" AS (
  SELECT CAST("user_id" AS VARCHAR) AS "user_id", CAST("session_id" AS VARCHAR) AS "session_id", CAST(CAST("ts" AS TIMESTAMPTZ) AS TIMESTAMP) AS "ts", CAST("item_id" AS VARCHAR) AS "item_id", CAST("position" AS BIGINT) AS "position", CAST("team" AS VARCHAR) AS "team", CAST("clicked" AS BOOLEAN) AS "clicked", CAST("saved" AS BOOLEAN) AS "saved" FROM read_csv('interleaving/data/interleaved.csv', header = true)
),
"il_rows" AS (
  SELECT "user_id" AS "unit",
    "session_id" AS "session",
    "team" AS "team",
    CAST("clicked" AS BIGINT) AS "c1",
    CAST("saved" AS BIGINT) AS "c2",
    "ts" AS "ord",
    MIN("ts") OVER (PARTITION BY "user_id", "session_id") AS "first_ord"
  FROM "src_interleaved"
  WHERE "team" IS NOT NULL AND "team" <> '' AND "user_id" IS NOT NULL AND "session_id" IS NOT NULL
),
"il_sessions" AS (
  SELECT "unit",
    "session",
    MIN(CASE WHEN "team" <> 'v2' THEN "team" END) AS "variant",
    COUNT(DISTINCT CASE WHEN "team" <> 'v2' THEN "team" END) AS "variants",
    COALESCE(SUM(CASE WHEN "team" = 'v2' THEN "c1" END), 0) AS "b1",
    COALESCE(SUM(CASE WHEN "team" <> 'v2' THEN "c1" END), 0) AS "t1",
    COALESCE(SUM(CASE WHEN "team" = 'v2' THEN "c2" END), 0) AS "b2",
    COALESCE(SUM(CASE WHEN "team" <> 'v2' THEN "c2" END), 0) AS "t2",
    MAX(CASE WHEN "ord" = "first_ord" AND "team" = 'v2' THEN 1 ELSE 0 END) AS "first_b",
    MAX(CASE WHEN "ord" = "first_ord" AND "team" <> 'v2' THEN 1 ELSE 0 END) AS "first_t"
  FROM "il_rows"
  GROUP BY "unit", "session"
),
"il_status" AS (
  SELECT "il_sessions".*, CASE WHEN "variants" = 0 THEN 'no_treatment' WHEN "variants" > 1 THEN 'several_treatments' WHEN "variants" = 1 THEN 'compared' ELSE 'other_team' END AS "status"
  FROM "il_sessions"
),
"il_units" AS (
  SELECT "status",
    "variant",
    "unit",
    COUNT(*) AS "s",
    SUM(CASE WHEN "t1" > "b1" THEN 1 ELSE 0 END) AS "w1",
    SUM(CASE WHEN "t1" < "b1" THEN 1 ELSE 0 END) AS "l1",
    SUM(CASE WHEN "t2" > "b2" THEN 1 ELSE 0 END) AS "w2",
    SUM(CASE WHEN "t2" < "b2" THEN 1 ELSE 0 END) AS "l2",
    SUM(CASE WHEN "first_b" = 1 AND "first_t" = 0 THEN 1 ELSE 0 END) AS "fb",
    SUM(CASE WHEN "first_t" = 1 AND "first_b" = 0 THEN 1 ELSE 0 END) AS "ft"
  FROM (
    SELECT "status", CASE WHEN "status" IN ('compared', 'other_team') THEN "variant" END AS "variant", "unit", "b1", "t1", "b2", "t2", "first_b", "first_t"
    FROM "il_status"
  ) "x"
  GROUP BY "status", "variant", "unit"
)
SELECT "status" AS "status",
  "variant" AS "variant",
  COUNT(*) AS "units",
  SUM("s") AS "sessions",
  SUM("fb") AS "first_baseline",
  SUM("ft") AS "first_treatment",
  SUM("w1") AS "wins_1",
  SUM("l1") AS "losses_1",
  SUM("w1" * "w1") AS "sq_wins_1",
  SUM(("w1" + "l1") * ("w1" + "l1")) AS "sq_decided_1",
  SUM("w1" * ("w1" + "l1")) AS "wins_decided_1",
  fsum((CAST("w1" - "l1" AS DOUBLE) / CAST("s" AS DOUBLE))) AS "pref_1",
  fsum((CAST("w1" - "l1" AS DOUBLE) / CAST("s" AS DOUBLE)) * (CAST("w1" - "l1" AS DOUBLE) / CAST("s" AS DOUBLE))) AS "sq_pref_1",
  SUM("w2") AS "wins_2",
  SUM("l2") AS "losses_2",
  SUM("w2" * "w2") AS "sq_wins_2",
  SUM(("w2" + "l2") * ("w2" + "l2")) AS "sq_decided_2",
  SUM("w2" * ("w2" + "l2")) AS "wins_decided_2",
  fsum((CAST("w2" - "l2" AS DOUBLE) / CAST("s" AS DOUBLE))) AS "pref_2",
  fsum((CAST("w2" - "l2" AS DOUBLE) / CAST("s" AS DOUBLE)) * (CAST("w2" - "l2" AS DOUBLE) / CAST("s" AS DOUBLE))) AS "sq_pref_2"
FROM "il_units"
GROUP BY "status", "variant"
ORDER BY "status", "variant";

