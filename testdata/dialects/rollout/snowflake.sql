-- caliper: rollout fm_v3_markets by week, 3 metric(s)
WITH
"src_market_daily" AS (
  SELECT CAST("market id" AS VARCHAR) AS "market id", CAST(day AS TIMESTAMP_NTZ) AS "day", CAST(saves AS DOUBLE) AS "saves", CAST(sessions AS DOUBLE) AS "sessions", CAST(surface AS VARCHAR) AS "surface", CAST(launched_at AS TIMESTAMP_NTZ) AS "launched_at", CAST(launch_day AS DATE) AS "launch_day" FROM analytics.market_daily
),
"ro_cells" AS (
  SELECT CAST(s."market id" AS VARCHAR) AS "grp",
    CAST(floor((DATEDIFF(microsecond, CAST('2001-01-01 00:00:00' AS TIMESTAMP_NTZ), CAST(s."day" AS TIMESTAMP_NTZ)) / 1000000) / 604800) AS BIGINT) AS "period",
    min(CAST(floor((DATEDIFF(microsecond, CAST('2001-01-01 00:00:00' AS TIMESTAMP_NTZ), CAST(s."launched_at" AS TIMESTAMP_NTZ)) / 1000000) / 604800) AS BIGINT)) AS "adopt_min",
    max(CAST(floor((DATEDIFF(microsecond, CAST('2001-01-01 00:00:00' AS TIMESTAMP_NTZ), CAST(s."launched_at" AS TIMESTAMP_NTZ)) / 1000000) / 604800) AS BIGINT)) AS "adopt_max",
    count(s."launched_at") AS "adopt_rows",
    count(*) AS "rows",
    min(CAST((DATEDIFF(microsecond, CAST('2001-01-01 00:00:00' AS TIMESTAMP_NTZ), CAST(s."launched_at" AS TIMESTAMP_NTZ)) / 1000000) AS DOUBLE)) AS "adopt_first_s",
    max(CAST((DATEDIFF(microsecond, CAST('2001-01-01 00:00:00' AS TIMESTAMP_NTZ), CAST(s."launched_at" AS TIMESTAMP_NTZ)) / 1000000) AS DOUBLE)) AS "adopt_last_s",
    sum(s."saves") AS "a1",
    sum(s."sessions") AS "a2",
    sum(CASE WHEN (s."surface" = 'feed') THEN s."saves" END) AS "a3",
    (count(CASE WHEN (s."saves" > 0) THEN 1 END) > 0) AS "a4"
  FROM "src_market_daily" s
  WHERE s."market id" IS NOT NULL AND s."day" IS NOT NULL
  GROUP BY 1, 2
)
SELECT "grp",
  "period",
  "adopt_min",
  "adopt_max",
  "adopt_rows",
  "rows",
  "adopt_first_s",
  "adopt_last_s",
  CAST(coalesce("a1", 0) AS DOUBLE) AS "m1_value",
  CAST(coalesce("a2", 0) AS DOUBLE) AS "m1_den",
  CAST(coalesce("a3", 0) AS DOUBLE) AS "m2_value",
  CAST(CAST(coalesce("a4", FALSE) AS INTEGER) AS DOUBLE) AS "m3_value"
FROM "ro_cells"
ORDER BY 1, 2;

-- caliper: rollout fm_v3_daily by day, 1 metric(s)
WITH
"src_market_daily" AS (
  SELECT CAST("market id" AS VARCHAR) AS "market id", CAST(day AS TIMESTAMP_NTZ) AS "day", CAST(saves AS DOUBLE) AS "saves", CAST(sessions AS DOUBLE) AS "sessions", CAST(surface AS VARCHAR) AS "surface", CAST(launched_at AS TIMESTAMP_NTZ) AS "launched_at", CAST(launch_day AS DATE) AS "launch_day" FROM analytics.market_daily
),
"ro_cells" AS (
  SELECT CAST(s."market id" AS VARCHAR) AS "grp",
    CAST(floor((DATEDIFF(microsecond, CAST('2001-01-01 00:00:00' AS TIMESTAMP_NTZ), CAST(s."day" AS TIMESTAMP_NTZ)) / 1000000) / 86400) AS BIGINT) AS "period",
    min(CAST(floor((DATEDIFF(microsecond, CAST('2001-01-01 00:00:00' AS TIMESTAMP_NTZ), CAST(s."launch_day" AS TIMESTAMP_NTZ)) / 1000000) / 86400) AS BIGINT)) AS "adopt_min",
    max(CAST(floor((DATEDIFF(microsecond, CAST('2001-01-01 00:00:00' AS TIMESTAMP_NTZ), CAST(s."launch_day" AS TIMESTAMP_NTZ)) / 1000000) / 86400) AS BIGINT)) AS "adopt_max",
    count(s."launch_day") AS "adopt_rows",
    count(*) AS "rows",
    min(CAST((DATEDIFF(microsecond, CAST('2001-01-01 00:00:00' AS TIMESTAMP_NTZ), CAST(s."launch_day" AS TIMESTAMP_NTZ)) / 1000000) AS DOUBLE)) AS "adopt_first_s",
    max(CAST((DATEDIFF(microsecond, CAST('2001-01-01 00:00:00' AS TIMESTAMP_NTZ), CAST(s."launch_day" AS TIMESTAMP_NTZ)) / 1000000) AS DOUBLE)) AS "adopt_last_s",
    sum(CASE WHEN (s."surface" = 'feed') THEN s."saves" END) AS "a1"
  FROM "src_market_daily" s
  WHERE s."market id" IS NOT NULL AND s."day" IS NOT NULL AND ((s."market id" <> 'test\'s') AND (s."surface" <> 'internal'))
  GROUP BY 1, 2
)
SELECT "grp",
  "period",
  "adopt_min",
  "adopt_max",
  "adopt_rows",
  "rows",
  "adopt_first_s",
  "adopt_last_s",
  CAST(coalesce("a1", 0) AS DOUBLE) AS "m1_value"
FROM "ro_cells"
ORDER BY 1, 2;

