-- caliper: interleaving hf_ranker_v3_il, 2 credit(s), baseline v2
WITH
"src_interleaved" AS (
  SELECT CAST("user_id" AS TEXT) AS "user_id", CAST("session_id" AS TEXT) AS "session_id", CAST(CAST("ts" AS TIMESTAMPTZ) AS TIMESTAMP) AS "ts", CAST("item_id" AS TEXT) AS "item_id", CAST("position" AS BIGINT) AS "position", CAST("team" AS TEXT) AS "team", CAST("clicked" AS BOOLEAN) AS "clicked", CAST("saved" AS BOOLEAN) AS "saved", CAST("dwell ms" AS DOUBLE PRECISION) AS "dwell ms" FROM "analytics"."interleaved"
),
"il_rows" AS (
  SELECT "user_id" AS "unit",
    "session_id" AS "session",
    "team" AS "team",
    CAST(CAST("clicked" AS INTEGER) AS BIGINT) AS "c1",
    CAST(CAST("saved" AS INTEGER) AS BIGINT) AS "c2",
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
  sum((CAST("w1" - "l1" AS DOUBLE PRECISION) / CAST("s" AS DOUBLE PRECISION))) AS "pref_1",
  sum((CAST("w1" - "l1" AS DOUBLE PRECISION) / CAST("s" AS DOUBLE PRECISION)) * (CAST("w1" - "l1" AS DOUBLE PRECISION) / CAST("s" AS DOUBLE PRECISION))) AS "sq_pref_1",
  SUM("w2") AS "wins_2",
  SUM("l2") AS "losses_2",
  SUM("w2" * "w2") AS "sq_wins_2",
  SUM(("w2" + "l2") * ("w2" + "l2")) AS "sq_decided_2",
  SUM("w2" * ("w2" + "l2")) AS "wins_decided_2",
  sum((CAST("w2" - "l2" AS DOUBLE PRECISION) / CAST("s" AS DOUBLE PRECISION))) AS "pref_2",
  sum((CAST("w2" - "l2" AS DOUBLE PRECISION) / CAST("s" AS DOUBLE PRECISION)) * (CAST("w2" - "l2" AS DOUBLE PRECISION) / CAST("s" AS DOUBLE PRECISION))) AS "sq_pref_2"
FROM "il_units"
GROUP BY "status", "variant"
ORDER BY "status", "variant";

-- caliper: interleaving ranker_variants_il, 2 credit(s), baseline v2
WITH
"src_interleaved" AS (
  SELECT CAST("user_id" AS TEXT) AS "user_id", CAST("session_id" AS TEXT) AS "session_id", CAST(CAST("ts" AS TIMESTAMPTZ) AS TIMESTAMP) AS "ts", CAST("item_id" AS TEXT) AS "item_id", CAST("position" AS BIGINT) AS "position", CAST("team" AS TEXT) AS "team", CAST("clicked" AS BOOLEAN) AS "clicked", CAST("saved" AS BOOLEAN) AS "saved", CAST("dwell ms" AS DOUBLE PRECISION) AS "dwell ms" FROM "analytics"."interleaved"
),
"il_rows" AS (
  SELECT "user_id" AS "unit",
    "session_id" AS "session",
    "team" AS "team",
    CAST((CAST("dwell ms" AS DOUBLE PRECISION) / 1000) AS DOUBLE PRECISION) AS "c1",
    CAST(CAST(("clicked" AND ("position" > 3)) AS INTEGER) AS BIGINT) AS "c2",
    "position" AS "ord",
    MIN("position") OVER (PARTITION BY "user_id", "session_id") AS "first_ord"
  FROM "src_interleaved"
  WHERE "team" IS NOT NULL AND "team" <> '' AND "user_id" IS NOT NULL AND "session_id" IS NOT NULL AND (("position" <= 20) AND ("item_id" <> 'it''s'))
),
"il_sessions" AS (
  SELECT "unit",
    "session",
    MIN(CASE WHEN "team" <> 'v2' THEN "team" END) AS "variant",
    COUNT(DISTINCT CASE WHEN "team" <> 'v2' THEN "team" END) AS "variants",
    COALESCE(sum(CASE WHEN "team" = 'v2' THEN "c1" END), 0) AS "b1",
    COALESCE(sum(CASE WHEN "team" <> 'v2' THEN "c1" END), 0) AS "t1",
    COALESCE(SUM(CASE WHEN "team" = 'v2' THEN "c2" END), 0) AS "b2",
    COALESCE(SUM(CASE WHEN "team" <> 'v2' THEN "c2" END), 0) AS "t2",
    MAX(CASE WHEN "ord" = "first_ord" AND "team" = 'v2' THEN 1 ELSE 0 END) AS "first_b",
    MAX(CASE WHEN "ord" = "first_ord" AND "team" <> 'v2' THEN 1 ELSE 0 END) AS "first_t"
  FROM "il_rows"
  GROUP BY "unit", "session"
),
"il_status" AS (
  SELECT "il_sessions".*, CASE WHEN "variants" = 0 THEN 'no_treatment' WHEN "variants" > 1 THEN 'several_treatments' WHEN "variants" = 1 AND "variant" IN ('v3', 'v3_lite') THEN 'compared' ELSE 'other_team' END AS "status"
  FROM "il_sessions"
),
"il_units" AS (
  SELECT "status",
    "variant",
    "unit",
    COUNT(*) AS "s",
    SUM(CASE WHEN "t1" - "b1" > 1e-9 * GREATEST("t1", "b1", -"t1", -"b1") THEN 1 ELSE 0 END) AS "w1",
    SUM(CASE WHEN "b1" - "t1" > 1e-9 * GREATEST("t1", "b1", -"t1", -"b1") THEN 1 ELSE 0 END) AS "l1",
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
  sum((CAST("w1" - "l1" AS DOUBLE PRECISION) / CAST("s" AS DOUBLE PRECISION))) AS "pref_1",
  sum((CAST("w1" - "l1" AS DOUBLE PRECISION) / CAST("s" AS DOUBLE PRECISION)) * (CAST("w1" - "l1" AS DOUBLE PRECISION) / CAST("s" AS DOUBLE PRECISION))) AS "sq_pref_1",
  SUM("w2") AS "wins_2",
  SUM("l2") AS "losses_2",
  SUM("w2" * "w2") AS "sq_wins_2",
  SUM(("w2" + "l2") * ("w2" + "l2")) AS "sq_decided_2",
  SUM("w2" * ("w2" + "l2")) AS "wins_decided_2",
  sum((CAST("w2" - "l2" AS DOUBLE PRECISION) / CAST("s" AS DOUBLE PRECISION))) AS "pref_2",
  sum((CAST("w2" - "l2" AS DOUBLE PRECISION) / CAST("s" AS DOUBLE PRECISION)) * (CAST("w2" - "l2" AS DOUBLE PRECISION) / CAST("s" AS DOUBLE PRECISION))) AS "sq_pref_2"
FROM "il_units"
GROUP BY "status", "variant"
ORDER BY "status", "variant";

