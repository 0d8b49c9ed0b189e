-- caliper: rollout fm_v3_markets by week, 1 metric(s)
WITH
"src_market_daily" AS (
  SELECT CAST("market" AS VARCHAR) AS "market", CAST(CAST("day" AS TIMESTAMPTZ) AS TIMESTAMP) AS "day", CAST("saves" AS DOUBLE) AS "saves", CAST("sessions" AS DOUBLE) AS "sessions", CAST(CAST("launched_at" AS TIMESTAMPTZ) AS TIMESTAMP) AS "launched_at" FROM read_csv('rollout/data/market_daily.csv', header = true)
),
"ro_cells" AS (
  SELECT CAST(s."market" AS VARCHAR) AS "grp",
    CAST(floor(epoch(CAST(s."day" AS TIMESTAMP) - CAST('2001-01-01 00:00:00' AS TIMESTAMP)) / 604800) AS BIGINT) AS "period",
    min(CAST(floor(epoch(CAST(s."launched_at" AS TIMESTAMP) - CAST('2001-01-01 00:00:00' AS TIMESTAMP)) / 604800) AS BIGINT)) AS "adopt_min",
    max(CAST(floor(epoch(CAST(s."launched_at" AS TIMESTAMP) - CAST('2001-01-01 00:00:00' AS TIMESTAMP)) / 604800) AS BIGINT)) AS "adopt_max",
    count(s."launched_at") AS "adopt_rows",
    count(*) AS "rows",
    min(CAST(epoch(CAST(s."launched_at" AS TIMESTAMP) - CAST('2001-01-01 00:00:00' AS TIMESTAMP)) AS DOUBLE)) AS "adopt_first_s",
    max(CAST(epoch(CAST(s."launched_at" AS TIMESTAMP) - CAST('2001-01-01 00:00:00' AS TIMESTAMP)) AS DOUBLE)) AS "adopt_last_s",
    sum(s."saves") AS "a1",
    sum(s."sessions") AS "a2"
  FROM "src_market_daily" s
  WHERE s."market" IS NOT NULL AND s."day" IS NOT NULL
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
  CAST(coalesce("a2", 0) AS DOUBLE) AS "m1_den"
FROM "ro_cells"
ORDER BY 1, 2;

