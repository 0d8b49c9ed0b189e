-- caliper: experiment hf_main, 11 metric(s), 2 source scan(s)
WITH
`src_exposures` AS (
  SELECT CAST(`user_id` AS STRING) AS `user_id`, CAST(`ts` AS TIMESTAMP) AS `ts`, CAST(`experiment` AS STRING) AS `experiment`, CAST(`variant` AS STRING) AS `variant`, CAST(`country` AS STRING) AS `country`, CAST(`platform` AS STRING) AS `platform`, CAST(`emb_arm` AS STRING) AS `emb_arm`, CAST(`ret_arm` AS STRING) AS `ret_arm`, CAST(`rank_arm` AS STRING) AS `rank_arm` FROM `analytics`.`exposures`
),
`src_events` AS (
  SELECT CAST(`user_id` AS STRING) AS `user_id`, CAST(`ts` AS TIMESTAMP) AS `ts`, CAST(`event` AS STRING) AS `event`, CAST(`surface` AS STRING) AS `surface`, CAST(`revenue` AS DOUBLE) AS `revenue`, CAST(`latency_ms` AS DOUBLE) AS `latency_ms` FROM `analytics`.`events`
),
`src_purchases` AS (
  SELECT CAST(`user_id` AS STRING) AS `user_id`, CAST(`ts` AS TIMESTAMP) AS `ts`, CAST(`revenue` AS DOUBLE) AS `revenue` FROM (SELECT user_id, ts, revenue FROM analytics.events WHERE event = 'purchase')
),
`assignments` AS (
  SELECT `user_id` AS `unit`, min(CAST(`variant` AS STRING)) AS `variant`, count(DISTINCT `variant`) AS `variants`, min(CAST(`ts` AS TIMESTAMP)) AS `t0`, min_by(CAST(`country` AS STRING), `ts`) AS `seg_country`, min_by(CAST(`platform` AS STRING), `ts`) AS `seg_platform`
  FROM `src_exposures`
  WHERE (`experiment` = 'hf_ranker_v2')
    AND `ts` IS NOT NULL
    AND `variant` IS NOT NULL
    AND `variant` <> ''
    AND `user_id` IS NOT NULL
    AND `user_id` <> ''
  GROUP BY 1
),
`data_end` AS (
  SELECT greatest((SELECT max(CAST(`ts` AS TIMESTAMP)) FROM (SELECT CAST(`user_id` AS STRING) AS `user_id`, CAST(`ts` AS TIMESTAMP) AS `ts`, CAST(`experiment` AS STRING) AS `experiment`, CAST(`variant` AS STRING) AS `variant`, CAST(`country` AS STRING) AS `country`, CAST(`platform` AS STRING) AS `platform`, CAST(`emb_arm` AS STRING) AS `emb_arm`, CAST(`ret_arm` AS STRING) AS `ret_arm`, CAST(`rank_arm` AS STRING) AS `rank_arm` FROM `analytics`.`exposures`) `t1`),
    (SELECT max(CAST(`ts` AS TIMESTAMP)) FROM (SELECT CAST(`user_id` AS STRING) AS `user_id`, CAST(`ts` AS TIMESTAMP) AS `ts`, CAST(`event` AS STRING) AS `event`, CAST(`surface` AS STRING) AS `surface`, CAST(`revenue` AS DOUBLE) AS `revenue`, CAST(`latency_ms` AS DOUBLE) AS `latency_ms` FROM `analytics`.`events`) `t2`),
    (SELECT max(CAST(`ts` AS TIMESTAMP)) FROM (SELECT CAST(`user_id` AS STRING) AS `user_id`, CAST(`ts` AS TIMESTAMP) AS `ts`, CAST(`revenue` AS DOUBLE) AS `revenue` FROM (SELECT user_id, ts, revenue FROM analytics.events WHERE event = 'purchase')) `t3`)) AS `ts`
),
`units` AS (
  SELECT `unit`, `variant`, `t0`, `seg_country`, `seg_platform` FROM `assignments` WHERE `variants` = 1
),
`scan_1` AS (
  SELECT u.`unit`, u.`variant`, u.`seg_country`, u.`seg_platform`,
    count(CASE WHEN (s.`event` = 'save') AND s.`user_id` IS NOT NULL AND s.`ts` >= u.`t0` THEN 1 END) AS `a1`,
    count(CASE WHEN (s.`event` = 'save') AND s.`user_id` IS NOT NULL AND s.`ts` < u.`t0` THEN 1 END) AS `a1_pre`,
    count(CASE WHEN (s.`event` = 'impression') AND s.`user_id` IS NOT NULL AND s.`ts` >= u.`t0` THEN 1 END) AS `a2`,
    count(CASE WHEN (s.`event` = 'impression') AND s.`user_id` IS NOT NULL AND s.`ts` < u.`t0` THEN 1 END) AS `a2_pre`,
    (count(CASE WHEN (s.`event` = 'purchase') AND s.`user_id` IS NOT NULL AND s.`ts` >= u.`t0` THEN 1 END) > 0) AS `a3`,
    (count(CASE WHEN (s.`event` = 'purchase') AND s.`user_id` IS NOT NULL AND s.`ts` < u.`t0` THEN 1 END) > 0) AS `a3_pre`,
    avg(CASE WHEN (instr(s.`event`, 'impr') > 0) AND s.`user_id` IS NOT NULL AND s.`ts` >= u.`t0` THEN s.`latency_ms` END) AS `a4`,
    avg(CASE WHEN (instr(s.`event`, 'impr') > 0) AND s.`user_id` IS NOT NULL AND s.`ts` < u.`t0` THEN s.`latency_ms` END) AS `a4_pre`,
    max(CASE WHEN (s.`event` = 'impression') AND s.`user_id` IS NOT NULL AND s.`ts` >= u.`t0` THEN s.`latency_ms` END) AS `a5`,
    max(CASE WHEN (s.`event` = 'impression') AND s.`user_id` IS NOT NULL AND s.`ts` < u.`t0` THEN s.`latency_ms` END) AS `a5_pre`,
    count(DISTINCT CASE WHEN (s.`event` <> 'it\'s "quoted"') AND s.`user_id` IS NOT NULL AND s.`ts` >= u.`t0` THEN s.`surface` END) AS `a6`,
    count(DISTINCT CASE WHEN (s.`event` <> 'it\'s "quoted"') AND s.`user_id` IS NOT NULL AND s.`ts` < u.`t0` THEN s.`surface` END) AS `a6_pre`,
    count(CASE WHEN ((startswith(lower(s.`surface`), 'home') AND (CAST(extract(hour FROM s.`ts`) AS BIGINT) >= 12)) AND (CAST(dayofweek(s.`ts`) - 1 AS BIGINT) IN (1, 2, 3, 4, 5))) AND s.`user_id` IS NOT NULL AND s.`ts` >= u.`t0` THEN 1 END) AS `a7`,
    count(CASE WHEN ((startswith(lower(s.`surface`), 'home') AND (CAST(extract(hour FROM s.`ts`) AS BIGINT) >= 12)) AND (CAST(dayofweek(s.`ts`) - 1 AS BIGINT) IN (1, 2, 3, 4, 5))) AND s.`user_id` IS NOT NULL AND s.`ts` < u.`t0` THEN 1 END) AS `a7_pre`,
    count(CASE WHEN (s.`event` = 'session_start') AND s.`user_id` IS NOT NULL AND s.`ts` >= u.`t0` THEN 1 END) AS `a8`,
    count(CASE WHEN (s.`event` = 'session_start') AND s.`user_id` IS NOT NULL AND s.`ts` < u.`t0` THEN 1 END) AS `a8_pre`
  FROM `units` u
  LEFT JOIN `src_events` s ON s.`user_id` = u.`unit`
    AND s.`ts` >= u.`t0` - INTERVAL '259200' SECOND
    AND s.`ts` < u.`t0` + INTERVAL '604800' SECOND
  GROUP BY u.`unit`, u.`variant`, u.`seg_country`, u.`seg_platform`
),
`scan_2` AS (
  SELECT u.`unit`,
    sum(s.`revenue`) FILTER (WHERE s.`ts` >= u.`t0`) AS `a9`,
    sum(s.`revenue`) FILTER (WHERE s.`ts` < u.`t0`) AS `a9_pre`
  FROM `units` u
  JOIN `src_purchases` s ON s.`user_id` = u.`unit`
  WHERE s.`ts` >= u.`t0` - INTERVAL '259200' SECOND
    AND s.`ts` < u.`t0` + INTERVAL '604800' SECOND
  GROUP BY u.`unit`
),
`per_unit` AS (
  SELECT j1.`unit`, j1.`variant`, j1.`seg_country`, j1.`seg_platform`,
    coalesce(j1.`a1`, 0) AS `a1`,
    coalesce(j1.`a1_pre`, 0) AS `a1_pre`,
    coalesce(j1.`a2`, 0) AS `a2`,
    coalesce(j1.`a2_pre`, 0) AS `a2_pre`,
    coalesce(j1.`a3`, FALSE) AS `a3`,
    coalesce(j1.`a3_pre`, FALSE) AS `a3_pre`,
    j1.`a4` AS `a4`,
    j1.`a4_pre` AS `a4_pre`,
    j1.`a5` AS `a5`,
    j1.`a5_pre` AS `a5_pre`,
    coalesce(j1.`a6`, 0) AS `a6`,
    coalesce(j1.`a6_pre`, 0) AS `a6_pre`,
    coalesce(j1.`a7`, 0) AS `a7`,
    coalesce(j1.`a7_pre`, 0) AS `a7_pre`,
    coalesce(j1.`a8`, 0) AS `a8`,
    coalesce(j1.`a8_pre`, 0) AS `a8_pre`,
    coalesce(j2.`a9`, 0) AS `a9`,
    coalesce(j2.`a9_pre`, 0) AS `a9_pre`
  FROM `scan_1` j1
  LEFT JOIN `scan_2` j2 ON j2.`unit` = j1.`unit`
),
`values_raw` AS (
  SELECT `variant`, `seg_country`, `seg_platform`,
    CAST(`a1` AS BIGINT) AS `m1`,
    CAST(`a1_pre` AS BIGINT) AS `m1_pre`,
    CAST(`a1` AS BIGINT) AS `m2_num`,
    CAST(`a1_pre` AS BIGINT) AS `m2_num_pre`,
    CAST(`a2` AS BIGINT) AS `m2_den`,
    CAST(`a2_pre` AS BIGINT) AS `m2_den_pre`,
    CAST(`a3` AS BIGINT) AS `m3`,
    CAST(`a3_pre` AS BIGINT) AS `m3_pre`,
    CAST(`a4` AS DOUBLE) AS `m4`,
    CAST(`a4_pre` AS DOUBLE) AS `m4_pre`,
    CAST(`a5` AS DOUBLE) AS `m5`,
    CAST(`a5_pre` AS DOUBLE) AS `m5_pre`,
    CAST(`a6` AS BIGINT) AS `m6`,
    CAST(`a6_pre` AS BIGINT) AS `m6_pre`,
    CAST(`a7` AS BIGINT) AS `m7`,
    CAST(`a7_pre` AS BIGINT) AS `m7_pre`,
    CAST(((`a1` + `a8`) >= 3) AS BIGINT) AS `m8`,
    CAST(((`a1_pre` + `a8_pre`) >= 3) AS BIGINT) AS `m8_pre`,
    least(CAST(`a1` AS DOUBLE), 20) AS `m9`,
    least(CAST(`a1_pre` AS DOUBLE), 20) AS `m9_pre`,
    CAST(`a9` AS DOUBLE) AS `m11`,
    CAST(`a9_pre` AS DOUBLE) AS `m11_pre`
  FROM `per_unit`
),
`caps` AS (
  SELECT percentile(`m11`, 0.99) AS `m11_cap` FROM `values_raw`
),
`values` AS (
  SELECT `variant`, `seg_country`, `seg_platform`, `m1`, `m1_pre`, `m2_num`, `m2_num_pre`, `m2_den`, `m2_den_pre`, `m3`, `m3_pre`, `m4`, `m4_pre`, `m5`, `m5_pre`, `m6`, `m6_pre`, `m7`, `m7_pre`, `m8`, `m8_pre`, `m9`, `m9_pre`, least(`m11`, c.`m11_cap`) AS `m11`, least(`m11_pre`, c.`m11_cap`) AS `m11_pre`
  FROM `values_raw` CROSS JOIN `caps` c
),
`m10_obs` AS (
  SELECT u.`variant`, u.`unit` AS `unit`, CAST(s.`latency_ms` AS DOUBLE) AS `y`
  FROM `units` u
  JOIN `src_events` s ON s.`user_id` = u.`unit`
  WHERE s.`latency_ms` IS NOT NULL
    AND (s.`event` = 'impression')
    AND s.`ts` >= u.`t0` - INTERVAL '259200' SECOND
    AND s.`ts` < u.`t0` + INTERVAL '604800' SECOND
    AND s.`ts` >= u.`t0`
),
`m10_ranked` AS (
  SELECT `variant`, `unit`, `y`,
    row_number() OVER (PARTITION BY `variant` ORDER BY `y`) AS `r`,
    count(*) OVER (PARTITION BY `variant`) AS `n`
  FROM `m10_obs`
),
`m10_bounds` AS (
  SELECT `variant`, any_value(`n`) AS `n`,
    max(`y`) FILTER (WHERE `r` = greatest(1, ceil(`n` * 0.9 - 1e-9))) AS `estimate`,
    max(`y`) FILTER (WHERE `r` = greatest(1, floor(`n` * 0.9 - 1.959963984540054 * sqrt(`n` * 0.9 * (1 - 0.9)) + 1e-9))) AS `lower`,
    max(`y`) FILTER (WHERE `r` = least(`n`, ceil(`n` * 0.9 + 1.959963984540054 * sqrt(`n` * 0.9 * (1 - 0.9)) - 1e-9))) AS `upper`
  FROM `m10_ranked`
  GROUP BY `variant`
),
`m10_units` AS (
  SELECT o.`variant`, o.`unit`, CAST(count(*) AS DOUBLE) AS `n_g`,
    CAST(count(*) FILTER (WHERE o.`y` <= b.`estimate`) AS DOUBLE) AS `s_g`
  FROM `m10_obs` o JOIN `m10_bounds` b USING (`variant`)
  GROUP BY o.`variant`, o.`unit`
),
`m10_q` AS (
  SELECT b.`variant`, b.`n` AS `m10_q_n`, b.`estimate` AS `m10_q_estimate`, b.`lower` AS `m10_q_lower`, b.`upper` AS `m10_q_upper`,
    count(*) AS `m10_q_clusters`, sum(g.`s_g`) AS `m10_q_ind_sum`, sum(g.`s_g` * g.`s_g`) AS `m10_q_ind_sumsq`,
    sum(g.`n_g`) AS `m10_q_obs_sum`, sum(g.`n_g` * g.`n_g`) AS `m10_q_obs_sumsq`, sum(g.`s_g` * g.`n_g`) AS `m10_q_ind_obs_prod`
  FROM `m10_bounds` b JOIN `m10_units` g USING (`variant`)
  GROUP BY b.`variant`, b.`n`, b.`estimate`, b.`lower`, b.`upper`
)
SELECT arms.*, `m10_q`.`m10_q_n`, `m10_q`.`m10_q_estimate`, `m10_q`.`m10_q_lower`, `m10_q`.`m10_q_upper`, `m10_q`.`m10_q_clusters`, `m10_q`.`m10_q_ind_sum`, `m10_q`.`m10_q_ind_sumsq`, `m10_q`.`m10_q_obs_sum`, `m10_q`.`m10_q_obs_sumsq`, `m10_q`.`m10_q_ind_obs_prod`
FROM (
SELECT `variant`,
  `seg_country`,
  `seg_platform`,
  count(*) AS `units`,
  count(`m1`) AS `m1_n`,
  coalesce(sum(`m1`), 0) AS `m1_sum`,
  coalesce(sum(`m1` * `m1`), 0) AS `m1_sumsq`,
  coalesce(sum(`m1_pre`), 0) AS `m1_pre_sum`,
  coalesce(sum(`m1_pre` * `m1_pre`), 0) AS `m1_pre_sumsq`,
  coalesce(sum(`m1` * `m1_pre`), 0) AS `m1_pre_cross`,
  count(*) AS `m2_n`,
  coalesce(sum(`m2_num`), 0) AS `m2_num_sum`,
  coalesce(sum(`m2_num` * `m2_num`), 0) AS `m2_num_sumsq`,
  coalesce(sum(`m2_den`), 0) AS `m2_den_sum`,
  coalesce(sum(`m2_den` * `m2_den`), 0) AS `m2_den_sumsq`,
  coalesce(sum(`m2_num` * `m2_den`), 0) AS `m2_prod`,
  coalesce(sum(`m2_num_pre`), 0) AS `m2_num_pre_sum`,
  coalesce(sum(`m2_num_pre` * `m2_num_pre`), 0) AS `m2_num_pre_sumsq`,
  coalesce(sum(`m2_den_pre`), 0) AS `m2_den_pre_sum`,
  coalesce(sum(`m2_den_pre` * `m2_den_pre`), 0) AS `m2_den_pre_sumsq`,
  coalesce(sum(`m2_num` * `m2_num_pre`), 0) AS `m2_num_num_pre`,
  coalesce(sum(`m2_den` * `m2_den_pre`), 0) AS `m2_den_den_pre`,
  coalesce(sum(`m2_num_pre` * `m2_den_pre`), 0) AS `m2_num_pre_den_pre`,
  coalesce(sum(`m2_num` * `m2_den_pre`), 0) AS `m2_num_den_pre`,
  coalesce(sum(`m2_num_pre` * `m2_den`), 0) AS `m2_num_pre_den`,
  count(`m3`) AS `m3_n`,
  coalesce(sum(`m3`), 0) AS `m3_sum`,
  coalesce(sum(`m3` * `m3`), 0) AS `m3_sumsq`,
  coalesce(sum(`m3_pre`), 0) AS `m3_pre_sum`,
  coalesce(sum(`m3_pre` * `m3_pre`), 0) AS `m3_pre_sumsq`,
  coalesce(sum(`m3` * `m3_pre`), 0) AS `m3_pre_cross`,
  count(`m4`) AS `m4_n`,
  coalesce(sum(`m4`), 0) AS `m4_sum`,
  coalesce(sum(`m4` * `m4`), 0) AS `m4_sumsq`,
  count(`m5`) AS `m5_n`,
  coalesce(sum(`m5`), 0) AS `m5_sum`,
  coalesce(sum(`m5` * `m5`), 0) AS `m5_sumsq`,
  count(`m6`) AS `m6_n`,
  coalesce(sum(`m6`), 0) AS `m6_sum`,
  coalesce(sum(`m6` * `m6`), 0) AS `m6_sumsq`,
  coalesce(sum(`m6_pre`), 0) AS `m6_pre_sum`,
  coalesce(sum(`m6_pre` * `m6_pre`), 0) AS `m6_pre_sumsq`,
  coalesce(sum(`m6` * `m6_pre`), 0) AS `m6_pre_cross`,
  count(`m7`) AS `m7_n`,
  coalesce(sum(`m7`), 0) AS `m7_sum`,
  coalesce(sum(`m7` * `m7`), 0) AS `m7_sumsq`,
  coalesce(sum(`m7_pre`), 0) AS `m7_pre_sum`,
  coalesce(sum(`m7_pre` * `m7_pre`), 0) AS `m7_pre_sumsq`,
  coalesce(sum(`m7` * `m7_pre`), 0) AS `m7_pre_cross`,
  count(`m8`) AS `m8_n`,
  coalesce(sum(`m8`), 0) AS `m8_sum`,
  coalesce(sum(`m8` * `m8`), 0) AS `m8_sumsq`,
  coalesce(sum(`m8_pre`), 0) AS `m8_pre_sum`,
  coalesce(sum(`m8_pre` * `m8_pre`), 0) AS `m8_pre_sumsq`,
  coalesce(sum(`m8` * `m8_pre`), 0) AS `m8_pre_cross`,
  count(`m9`) AS `m9_n`,
  coalesce(sum(`m9`), 0) AS `m9_sum`,
  coalesce(sum(`m9` * `m9`), 0) AS `m9_sumsq`,
  coalesce(sum(`m9_pre`), 0) AS `m9_pre_sum`,
  coalesce(sum(`m9_pre` * `m9_pre`), 0) AS `m9_pre_sumsq`,
  coalesce(sum(`m9` * `m9_pre`), 0) AS `m9_pre_cross`,
  count(`m11`) AS `m11_n`,
  coalesce(sum(`m11`), 0) AS `m11_sum`,
  coalesce(sum(`m11` * `m11`), 0) AS `m11_sumsq`,
  coalesce(sum(`m11_pre`), 0) AS `m11_pre_sum`,
  coalesce(sum(`m11_pre` * `m11_pre`), 0) AS `m11_pre_sumsq`,
  coalesce(sum(`m11` * `m11_pre`), 0) AS `m11_pre_cross`,
  (SELECT count(*) FROM `assignments` WHERE `variants` > 1) AS `excluded_multiple_variants`,
  (SELECT count(*) FROM `assignments` WHERE `variants` = 1) AS `coverage_units`,
  (SELECT count(*) FILTER (WHERE `t0` + INTERVAL '604800' SECOND > (SELECT `ts` FROM `data_end`) + INTERVAL '6048' SECOND) FROM `assignments` WHERE `variants` = 1) AS `incomplete_units`,
  (SELECT `ts` FROM `data_end`) AS `data_end`,
  (1 - grouping(`seg_country`)) + (1 - grouping(`seg_platform`)) AS `segment_level`
FROM `values`
GROUP BY GROUPING SETS ((`variant`), (`variant`, `seg_country`), (`variant`, `seg_platform`))
) arms
LEFT JOIN `m10_q` ON arms.`variant` = `m10_q`.`variant` AND arms.`segment_level` = 0
ORDER BY arms.`variant`, `seg_country`, `seg_platform` NULLS FIRST;

-- caliper: experiment hf_daily, 3 metric(s), 1 source scan(s)
WITH
`src_exposures` AS (
  SELECT CAST(`user_id` AS STRING) AS `user_id`, CAST(`ts` AS TIMESTAMP) AS `ts`, CAST(`experiment` AS STRING) AS `experiment`, CAST(`variant` AS STRING) AS `variant`, CAST(`country` AS STRING) AS `country`, CAST(`platform` AS STRING) AS `platform`, CAST(`emb_arm` AS STRING) AS `emb_arm`, CAST(`ret_arm` AS STRING) AS `ret_arm`, CAST(`rank_arm` AS STRING) AS `rank_arm` FROM `analytics`.`exposures`
),
`src_events` AS (
  SELECT CAST(`user_id` AS STRING) AS `user_id`, CAST(`ts` AS TIMESTAMP) AS `ts`, CAST(`event` AS STRING) AS `event`, CAST(`surface` AS STRING) AS `surface`, CAST(`revenue` AS DOUBLE) AS `revenue`, CAST(`latency_ms` AS DOUBLE) AS `latency_ms` FROM `analytics`.`events`
),
`assignments` AS (
  SELECT `user_id` AS `unit`, min(CAST(`variant` AS STRING)) AS `variant`, count(DISTINCT `variant`) AS `variants`, min(CAST(`ts` AS TIMESTAMP)) AS `t0`
  FROM `src_exposures`
  WHERE (`experiment` = 'hf_ranker_v2')
    AND `ts` IS NOT NULL
    AND `ts` >= CAST('2026-10-02 00:00:00' AS TIMESTAMP)
    AND `ts` < CAST('2026-10-12 00:00:00' AS TIMESTAMP)
    AND `variant` IS NOT NULL
    AND `variant` <> ''
    AND `user_id` IS NOT NULL
    AND `user_id` <> ''
  GROUP BY 1
),
`data_end` AS (
  SELECT greatest((SELECT max(CAST(`ts` AS TIMESTAMP)) FROM (SELECT CAST(`user_id` AS STRING) AS `user_id`, CAST(`ts` AS TIMESTAMP) AS `ts`, CAST(`experiment` AS STRING) AS `experiment`, CAST(`variant` AS STRING) AS `variant`, CAST(`country` AS STRING) AS `country`, CAST(`platform` AS STRING) AS `platform`, CAST(`emb_arm` AS STRING) AS `emb_arm`, CAST(`ret_arm` AS STRING) AS `ret_arm`, CAST(`rank_arm` AS STRING) AS `rank_arm` FROM `analytics`.`exposures`) `t1`),
    (SELECT max(CAST(`ts` AS TIMESTAMP)) FROM (SELECT CAST(`user_id` AS STRING) AS `user_id`, CAST(`ts` AS TIMESTAMP) AS `ts`, CAST(`event` AS STRING) AS `event`, CAST(`surface` AS STRING) AS `surface`, CAST(`revenue` AS DOUBLE) AS `revenue`, CAST(`latency_ms` AS DOUBLE) AS `latency_ms` FROM `analytics`.`events`) `t2`)) AS `ts`
),
`units` AS (
  SELECT `unit`, `variant`, `t0` FROM `assignments` WHERE `variants` = 1
),
`scan_1` AS (
  SELECT u.`unit`, u.`variant`,
    count(*) FILTER (WHERE (s.`event` = 'save') AND s.`user_id` IS NOT NULL) AS `a1`,
    count(*) FILTER (WHERE (s.`event` = 'impression') AND s.`user_id` IS NOT NULL) AS `a2`,
    (count(*) FILTER (WHERE (s.`event` = 'purchase') AND s.`user_id` IS NOT NULL) > 0) AS `a3`
  FROM `units` u
  LEFT JOIN `src_events` s ON s.`user_id` = u.`unit`
    AND s.`ts` >= u.`t0`
    AND s.`ts` < u.`t0` + INTERVAL '604800' SECOND
    AND s.`ts` >= CAST('2026-10-02 00:00:00' AS TIMESTAMP)
    AND s.`ts` < CAST('2026-10-12 00:00:00' AS TIMESTAMP)
  GROUP BY u.`unit`, u.`variant`
),
`per_unit` AS (
  SELECT j1.`unit`, j1.`variant`,
    coalesce(j1.`a1`, 0) AS `a1`,
    coalesce(j1.`a2`, 0) AS `a2`,
    coalesce(j1.`a3`, FALSE) AS `a3`
  FROM `scan_1` j1
),
`values_raw` AS (
  SELECT `variant`,
    CAST(`a1` AS BIGINT) AS `m1`,
    CAST(`a1` AS BIGINT) AS `m2_num`,
    CAST(`a2` AS BIGINT) AS `m2_den`,
    CAST(`a3` AS BIGINT) AS `m3`
  FROM `per_unit`
),
`values` AS (SELECT * FROM `values_raw`)
SELECT `variant`,
  count(*) AS `units`,
  count(`m1`) AS `m1_n`,
  coalesce(sum(`m1`), 0) AS `m1_sum`,
  coalesce(sum(`m1` * `m1`), 0) AS `m1_sumsq`,
  count(*) AS `m2_n`,
  coalesce(sum(`m2_num`), 0) AS `m2_num_sum`,
  coalesce(sum(`m2_num` * `m2_num`), 0) AS `m2_num_sumsq`,
  coalesce(sum(`m2_den`), 0) AS `m2_den_sum`,
  coalesce(sum(`m2_den` * `m2_den`), 0) AS `m2_den_sumsq`,
  coalesce(sum(`m2_num` * `m2_den`), 0) AS `m2_prod`,
  count(`m3`) AS `m3_n`,
  coalesce(sum(`m3`), 0) AS `m3_sum`,
  coalesce(sum(`m3` * `m3`), 0) AS `m3_sumsq`,
  (SELECT count(*) FROM `assignments` WHERE `variants` > 1) AS `excluded_multiple_variants`,
  (SELECT count(*) FROM `assignments` WHERE `variants` = 1) AS `coverage_units`,
  (SELECT count(*) FILTER (WHERE least(`t0` + INTERVAL '604800' SECOND, CAST('2026-10-12 00:00:00' AS TIMESTAMP)) > (SELECT `ts` FROM `data_end`) + INTERVAL '6048' SECOND) FROM `assignments` WHERE `variants` = 1) AS `incomplete_units`,
  (SELECT `ts` FROM `data_end`) AS `data_end`
FROM `values`
GROUP BY `variant`
ORDER BY `variant`;

-- caliper: experiment hf_daily split by surface
WITH
`src_exposures` AS (
  SELECT CAST(`user_id` AS STRING) AS `user_id`, CAST(`ts` AS TIMESTAMP) AS `ts`, CAST(`experiment` AS STRING) AS `experiment`, CAST(`variant` AS STRING) AS `variant`, CAST(`country` AS STRING) AS `country`, CAST(`platform` AS STRING) AS `platform`, CAST(`emb_arm` AS STRING) AS `emb_arm`, CAST(`ret_arm` AS STRING) AS `ret_arm`, CAST(`rank_arm` AS STRING) AS `rank_arm` FROM `analytics`.`exposures`
),
`src_events` AS (
  SELECT CAST(`user_id` AS STRING) AS `user_id`, CAST(`ts` AS TIMESTAMP) AS `ts`, CAST(`event` AS STRING) AS `event`, CAST(`surface` AS STRING) AS `surface`, CAST(`revenue` AS DOUBLE) AS `revenue`, CAST(`latency_ms` AS DOUBLE) AS `latency_ms` FROM `analytics`.`events`
),
`assignments` AS (
  SELECT `user_id` AS `unit`, min(CAST(`variant` AS STRING)) AS `variant`, count(DISTINCT `variant`) AS `variants`, min(CAST(`ts` AS TIMESTAMP)) AS `t0`
  FROM `src_exposures`
  WHERE (`experiment` = 'hf_ranker_v2')
    AND `ts` IS NOT NULL
    AND `ts` >= CAST('2026-10-02 00:00:00' AS TIMESTAMP)
    AND `ts` < CAST('2026-10-12 00:00:00' AS TIMESTAMP)
    AND `variant` IS NOT NULL
    AND `variant` <> ''
    AND `user_id` IS NOT NULL
    AND `user_id` <> ''
  GROUP BY 1
),
`units` AS (
  SELECT `unit`, `variant`, `t0` FROM `assignments` WHERE `variants` = 1
),
`split_scan_1` AS (
  SELECT u.`unit`, CAST(s.`surface` AS STRING) AS `split`,
    count(*) FILTER (WHERE (s.`event` = 'save')) AS `s1`,
    count(*) FILTER (WHERE (s.`event` = 'impression')) AS `s2`,
    (count(*) FILTER (WHERE (s.`event` = 'purchase')) > 0) AS `s3`
  FROM `units` u
  JOIN `src_events` s ON s.`user_id` = u.`unit`
  WHERE s.`ts` >= u.`t0`
    AND s.`ts` < u.`t0` + INTERVAL '604800' SECOND
    AND s.`ts` >= CAST('2026-10-02 00:00:00' AS TIMESTAMP)
    AND s.`ts` < CAST('2026-10-12 00:00:00' AS TIMESTAMP)
  GROUP BY 1, 2
),
`split_keys` AS (
  SELECT DISTINCT `split` FROM `split_scan_1`
),
`split_per_unit` AS (
  SELECT u.`unit`, u.`variant`, k.`split`,
    coalesce(j1.`s1`, 0) AS `s1`,
    coalesce(j1.`s2`, 0) AS `s2`,
    coalesce(j1.`s3`, FALSE) AS `s3`
  FROM `units` u
  CROSS JOIN `split_keys` k
  LEFT JOIN `split_scan_1` j1 ON j1.`unit` = u.`unit` AND j1.`split` IS NOT DISTINCT FROM k.`split`
),
`split_values` AS (
  SELECT `variant`, `split`,
    CAST(CAST(`s1` AS INT) AS DOUBLE) AS `m1`,
    CAST(`s1` AS DOUBLE) AS `m2_num`,
    CAST(sum(`s2`) OVER (PARTITION BY `unit`) AS DOUBLE) AS `m2_den`,
    CAST(CAST(`s3` AS INT) AS DOUBLE) AS `m3`
  FROM `split_per_unit`
)
SELECT `variant`, `split`, count(*) AS `units`,
  count(`m1`) AS `m1_n`,
  coalesce(sum(`m1`), 0) AS `m1_sum`,
  coalesce(sum(`m1` * `m1`), 0) AS `m1_sumsq`,
  count(*) AS `m2_n`,
  coalesce(sum(`m2_num`), 0) AS `m2_num_sum`,
  coalesce(sum(`m2_num` * `m2_num`), 0) AS `m2_num_sumsq`,
  coalesce(sum(`m2_den`), 0) AS `m2_den_sum`,
  coalesce(sum(`m2_den` * `m2_den`), 0) AS `m2_den_sumsq`,
  coalesce(sum(`m2_num` * `m2_den`), 0) AS `m2_prod`,
  count(`m3`) AS `m3_n`,
  coalesce(sum(`m3`), 0) AS `m3_sum`,
  coalesce(sum(`m3` * `m3`), 0) AS `m3_sumsq`
FROM `split_values`
GROUP BY `variant`, `split`
ORDER BY `variant`, `split` NULLS FIRST;

-- caliper: experiment hf_daily timeline by day
WITH
`src_exposures` AS (
  SELECT CAST(`user_id` AS STRING) AS `user_id`, CAST(`ts` AS TIMESTAMP) AS `ts`, CAST(`experiment` AS STRING) AS `experiment`, CAST(`variant` AS STRING) AS `variant`, CAST(`country` AS STRING) AS `country`, CAST(`platform` AS STRING) AS `platform`, CAST(`emb_arm` AS STRING) AS `emb_arm`, CAST(`ret_arm` AS STRING) AS `ret_arm`, CAST(`rank_arm` AS STRING) AS `rank_arm` FROM `analytics`.`exposures`
),
`src_events` AS (
  SELECT CAST(`user_id` AS STRING) AS `user_id`, CAST(`ts` AS TIMESTAMP) AS `ts`, CAST(`event` AS STRING) AS `event`, CAST(`surface` AS STRING) AS `surface`, CAST(`revenue` AS DOUBLE) AS `revenue`, CAST(`latency_ms` AS DOUBLE) AS `latency_ms` FROM `analytics`.`events`
),
`first_exposures` AS (
  SELECT `user_id` AS `unit`, CAST(`variant` AS STRING) AS `variant`, min(CAST(`ts` AS TIMESTAMP)) AS `first_ts`
  FROM `src_exposures`
  WHERE (`experiment` = 'hf_ranker_v2')
    AND `ts` >= CAST('2026-10-02 00:00:00' AS TIMESTAMP)
    AND `ts` < CAST('2026-10-12 00:00:00' AS TIMESTAMP)
    AND `variant` IS NOT NULL
    AND `user_id` IS NOT NULL
  GROUP BY 1, 2
),
`periods` AS (
  SELECT k AS `period`, o.`origin` + k * INTERVAL '86400' SECOND AS `period_start`, o.`origin` + (k + 1) * INTERVAL '86400' SECOND AS `period_end`
  FROM (SELECT CAST('2026-10-02 00:00:00' AS TIMESTAMP) AS `origin`) o LATERAL VIEW explode(sequence(0, least(least(CAST(floor(((unix_micros(greatest((SELECT max(CAST(`ts` AS TIMESTAMP)) FROM `src_exposures`), (SELECT max(CAST(`ts` AS TIMESTAMP)) FROM `src_events`))) - unix_micros(o.`origin`)) / 1000000) / 86400) AS BIGINT), CAST(ceil(((unix_micros(CAST('2026-10-12 00:00:00' AS TIMESTAMP)) - unix_micros(o.`origin`)) / 1000000) / 86400) AS BIGINT) - 1), 1000))) r AS k
),
`unit_periods` AS (
  SELECT f.`unit`, p.`period`, p.`period_start`, p.`period_end`, min(f.`variant`) AS `variant`, count(*) AS `variants`, min(f.`first_ts`) AS `t0`
  FROM `first_exposures` f JOIN `periods` p ON f.`first_ts` < p.`period_end`
  GROUP BY 1, 2, 3, 4
),
`units` AS (
  SELECT `unit`, `variant`, min(`t0`) AS `t0` FROM `unit_periods` WHERE `variants` = 1 GROUP BY 1, 2
),
`tl_scan_1` AS (
  SELECT u.`unit`, p.`period`,
    count(*) FILTER (WHERE (s.`event` = 'save')) AS `a1`,
    count(*) FILTER (WHERE (s.`event` = 'impression')) AS `a2`,
    (count(*) FILTER (WHERE (s.`event` = 'purchase')) > 0) AS `a3`
  FROM `units` u
  JOIN `src_events` s ON s.`user_id` = u.`unit`
  JOIN `periods` p ON s.`ts` >= p.`period_start` AND s.`ts` < p.`period_end`
  WHERE s.`ts` >= u.`t0`
    AND s.`ts` < u.`t0` + INTERVAL '604800' SECOND
    AND s.`ts` >= CAST('2026-10-02 00:00:00' AS TIMESTAMP)
    AND s.`ts` < CAST('2026-10-12 00:00:00' AS TIMESTAMP)
  GROUP BY 1, 2
),
`tl_per_unit` AS (
  SELECT up.`unit`, up.`variant`, up.`period`,
    coalesce(j1.`a1`, 0) AS `d_a1`,
    coalesce(sum(j1.`a1`) OVER (PARTITION BY up.`unit` ORDER BY up.`period` ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), 0) AS `c_a1`,
    coalesce(j1.`a2`, 0) AS `d_a2`,
    coalesce(sum(j1.`a2`) OVER (PARTITION BY up.`unit` ORDER BY up.`period` ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), 0) AS `c_a2`,
    coalesce(j1.`a3`, FALSE) AS `d_a3`,
    coalesce(bool_or(j1.`a3`) OVER (PARTITION BY up.`unit` ORDER BY up.`period` ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), FALSE) AS `c_a3`
  FROM `unit_periods` up
  LEFT JOIN `tl_scan_1` j1 ON j1.`unit` = up.`unit` AND j1.`period` = up.`period`
  WHERE up.`variants` = 1
),
`tl_values` AS (
  SELECT `variant`, `period`,
    CAST(`d_a1` AS DOUBLE) AS `d_m1`,
    CAST(`c_a1` AS DOUBLE) AS `c_m1`,
    CAST(`d_a1` AS DOUBLE) AS `d_m2_num`,
    CAST(`d_a2` AS DOUBLE) AS `d_m2_den`,
    CAST(`c_a1` AS DOUBLE) AS `c_m2_num`,
    CAST(`c_a2` AS DOUBLE) AS `c_m2_den`,
    CAST(CAST(`d_a3` AS INT) AS DOUBLE) AS `d_m3`,
    CAST(CAST(`c_a3` AS INT) AS DOUBLE) AS `c_m3`
  FROM `tl_per_unit`
)
SELECT v.`variant`, v.`period`, any_value(p.`period_start`) AS `period_start`, any_value(p.`period_end`) AS `period_end`, count(*) AS `units`,
  count(`d_m1`) AS `d_m1_n`,
  coalesce(sum(`d_m1`), 0) AS `d_m1_sum`,
  coalesce(sum(`d_m1` * `d_m1`), 0) AS `d_m1_sumsq`,
  count(`c_m1`) AS `c_m1_n`,
  coalesce(sum(`c_m1`), 0) AS `c_m1_sum`,
  coalesce(sum(`c_m1` * `c_m1`), 0) AS `c_m1_sumsq`,
  count(*) AS `d_m2_n`,
  coalesce(sum(`d_m2_num`), 0) AS `d_m2_num_sum`,
  coalesce(sum(`d_m2_num` * `d_m2_num`), 0) AS `d_m2_num_sumsq`,
  coalesce(sum(`d_m2_den`), 0) AS `d_m2_den_sum`,
  coalesce(sum(`d_m2_den` * `d_m2_den`), 0) AS `d_m2_den_sumsq`,
  coalesce(sum(`d_m2_num` * `d_m2_den`), 0) AS `d_m2_prod`,
  count(*) AS `c_m2_n`,
  coalesce(sum(`c_m2_num`), 0) AS `c_m2_num_sum`,
  coalesce(sum(`c_m2_num` * `c_m2_num`), 0) AS `c_m2_num_sumsq`,
  coalesce(sum(`c_m2_den`), 0) AS `c_m2_den_sum`,
  coalesce(sum(`c_m2_den` * `c_m2_den`), 0) AS `c_m2_den_sumsq`,
  coalesce(sum(`c_m2_num` * `c_m2_den`), 0) AS `c_m2_prod`,
  count(`d_m3`) AS `d_m3_n`,
  coalesce(sum(`d_m3`), 0) AS `d_m3_sum`,
  coalesce(sum(`d_m3` * `d_m3`), 0) AS `d_m3_sumsq`,
  count(`c_m3`) AS `c_m3_n`,
  coalesce(sum(`c_m3`), 0) AS `c_m3_sum`,
  coalesce(sum(`c_m3` * `c_m3`), 0) AS `c_m3_sumsq`,
  (SELECT count(DISTINCT `unit`) FROM `unit_periods` x WHERE x.`variants` > 1 AND x.`period` = v.`period`) AS `excluded_multiple_variants`
FROM `tl_values` v JOIN `periods` p USING (`period`)
GROUP BY v.`variant`, v.`period`
ORDER BY v.`period`, v.`variant`;

-- caliper: experiment hf_clustered, 4 metric(s), 1 source scan(s)
WITH
`src_exposures` AS (
  SELECT CAST(`user_id` AS STRING) AS `user_id`, CAST(`ts` AS TIMESTAMP) AS `ts`, CAST(`experiment` AS STRING) AS `experiment`, CAST(`variant` AS STRING) AS `variant`, CAST(`country` AS STRING) AS `country`, CAST(`platform` AS STRING) AS `platform`, CAST(`emb_arm` AS STRING) AS `emb_arm`, CAST(`ret_arm` AS STRING) AS `ret_arm`, CAST(`rank_arm` AS STRING) AS `rank_arm` FROM `analytics`.`exposures`
),
`src_events` AS (
  SELECT CAST(`user_id` AS STRING) AS `user_id`, CAST(`ts` AS TIMESTAMP) AS `ts`, CAST(`event` AS STRING) AS `event`, CAST(`surface` AS STRING) AS `surface`, CAST(`revenue` AS DOUBLE) AS `revenue`, CAST(`latency_ms` AS DOUBLE) AS `latency_ms` FROM `analytics`.`events`
),
`src_purchases` AS (
  SELECT CAST(`user_id` AS STRING) AS `user_id`, CAST(`ts` AS TIMESTAMP) AS `ts`, CAST(`revenue` AS DOUBLE) AS `revenue` FROM (SELECT user_id, ts, revenue FROM analytics.events WHERE event = 'purchase')
),
`assignments` AS (
  SELECT `user_id` AS `unit`, min(CAST(`variant` AS STRING)) AS `variant`, count(DISTINCT `variant`) AS `variants`, min(CAST(`ts` AS TIMESTAMP)) AS `t0`, min_by(CAST(`country` AS STRING), `ts`) AS `cluster`
  FROM `src_exposures`
  WHERE ((`experiment` = 'hf_ranker_v2') AND (((`country` IN ('US', 'JP')) AND (`variant` = 'control')) OR ((`country` IN ('BR', 'DE', 'GB')) AND (`variant` = 'treatment'))))
    AND `ts` IS NOT NULL
    AND `variant` IS NOT NULL
    AND `variant` <> ''
    AND `user_id` IS NOT NULL
    AND `user_id` <> ''
  GROUP BY 1
),
`data_end` AS (
  SELECT greatest((SELECT max(CAST(`ts` AS TIMESTAMP)) FROM (SELECT CAST(`user_id` AS STRING) AS `user_id`, CAST(`ts` AS TIMESTAMP) AS `ts`, CAST(`experiment` AS STRING) AS `experiment`, CAST(`variant` AS STRING) AS `variant`, CAST(`country` AS STRING) AS `country`, CAST(`platform` AS STRING) AS `platform`, CAST(`emb_arm` AS STRING) AS `emb_arm`, CAST(`ret_arm` AS STRING) AS `ret_arm`, CAST(`rank_arm` AS STRING) AS `rank_arm` FROM `analytics`.`exposures`) `t1`),
    (SELECT max(CAST(`ts` AS TIMESTAMP)) FROM (SELECT CAST(`user_id` AS STRING) AS `user_id`, CAST(`ts` AS TIMESTAMP) AS `ts`, CAST(`event` AS STRING) AS `event`, CAST(`surface` AS STRING) AS `surface`, CAST(`revenue` AS DOUBLE) AS `revenue`, CAST(`latency_ms` AS DOUBLE) AS `latency_ms` FROM `analytics`.`events`) `t2`)) AS `ts`
),
`mixed_clusters` AS (
  SELECT `cluster` FROM `assignments` WHERE `variants` = 1 AND `cluster` IS NOT NULL
  GROUP BY `cluster` HAVING count(DISTINCT `variant`) > 1
),
`units` AS (
  SELECT `unit`, `variant`, `t0`, `cluster` FROM `assignments` a WHERE `variants` = 1
    AND NOT EXISTS (SELECT 1 FROM `mixed_clusters` m WHERE m.`cluster` = a.`cluster`)
),
`scan_1` AS (
  SELECT u.`unit`, u.`variant`, u.`cluster`,
    count(*) FILTER (WHERE (s.`event` = 'save') AND s.`user_id` IS NOT NULL) AS `a1`,
    count(*) FILTER (WHERE (s.`event` = 'impression') AND s.`user_id` IS NOT NULL) AS `a2`
  FROM `units` u
  LEFT JOIN `src_events` s ON s.`user_id` = u.`unit`
    AND s.`ts` >= u.`t0`
    AND s.`ts` < u.`t0` + INTERVAL '604800' SECOND
  GROUP BY u.`unit`, u.`variant`, u.`cluster`
),
`per_unit` AS (
  SELECT j1.`unit`, j1.`variant`, j1.`cluster`,
    coalesce(j1.`a1`, 0) AS `a1`,
    coalesce(j1.`a2`, 0) AS `a2`
  FROM `scan_1` j1
),
`values_raw` AS (
  SELECT `variant`, `cluster`,
    CAST(`a1` AS BIGINT) AS `m1`,
    CAST(`a1` AS BIGINT) AS `m2_num`,
    CAST(`a2` AS BIGINT) AS `m2_den`
  FROM `per_unit`
),
`values` AS (SELECT * FROM `values_raw`),
`m3_obs` AS (
  SELECT u.`variant`, u.`cluster` AS `unit`, CAST(s.`latency_ms` AS DOUBLE) AS `y`
  FROM `units` u
  JOIN `src_events` s ON s.`user_id` = u.`unit`
  WHERE s.`latency_ms` IS NOT NULL
    AND (s.`event` = 'impression')
    AND s.`ts` >= u.`t0`
    AND s.`ts` < u.`t0` + INTERVAL '604800' SECOND
),
`m3_ranked` AS (
  SELECT `variant`, `unit`, `y`,
    row_number() OVER (PARTITION BY `variant` ORDER BY `y`) AS `r`,
    count(*) OVER (PARTITION BY `variant`) AS `n`
  FROM `m3_obs`
),
`m3_bounds` AS (
  SELECT `variant`, any_value(`n`) AS `n`,
    max(`y`) FILTER (WHERE `r` = greatest(1, ceil(`n` * 0.9 - 1e-9))) AS `estimate`,
    max(`y`) FILTER (WHERE `r` = greatest(1, floor(`n` * 0.9 - 1.959963984540054 * sqrt(`n` * 0.9 * (1 - 0.9)) + 1e-9))) AS `lower`,
    max(`y`) FILTER (WHERE `r` = least(`n`, ceil(`n` * 0.9 + 1.959963984540054 * sqrt(`n` * 0.9 * (1 - 0.9)) - 1e-9))) AS `upper`
  FROM `m3_ranked`
  GROUP BY `variant`
),
`m3_units` AS (
  SELECT o.`variant`, o.`unit`, CAST(count(*) AS DOUBLE) AS `n_g`,
    CAST(count(*) FILTER (WHERE o.`y` <= b.`estimate`) AS DOUBLE) AS `s_g`
  FROM `m3_obs` o JOIN `m3_bounds` b USING (`variant`)
  GROUP BY o.`variant`, o.`unit`
),
`m3_q` AS (
  SELECT b.`variant`, b.`n` AS `m3_q_n`, b.`estimate` AS `m3_q_estimate`, b.`lower` AS `m3_q_lower`, b.`upper` AS `m3_q_upper`,
    count(*) AS `m3_q_clusters`, sum(g.`s_g`) AS `m3_q_ind_sum`, sum(g.`s_g` * g.`s_g`) AS `m3_q_ind_sumsq`,
    sum(g.`n_g`) AS `m3_q_obs_sum`, sum(g.`n_g` * g.`n_g`) AS `m3_q_obs_sumsq`, sum(g.`s_g` * g.`n_g`) AS `m3_q_ind_obs_prod`
  FROM `m3_bounds` b JOIN `m3_units` g USING (`variant`)
  GROUP BY b.`variant`, b.`n`, b.`estimate`, b.`lower`, b.`upper`
),
`m4_obs` AS (
  SELECT u.`variant`, u.`cluster` AS `unit`, CAST(s.`revenue` AS DOUBLE) AS `y`
  FROM `units` u
  JOIN `src_purchases` s ON s.`user_id` = u.`unit`
  WHERE s.`revenue` IS NOT NULL
    AND s.`ts` >= u.`t0`
    AND s.`ts` < u.`t0` + INTERVAL '604800' SECOND
),
`m4_ranked` AS (
  SELECT `variant`, `unit`, `y`,
    row_number() OVER (PARTITION BY `variant` ORDER BY `y`) AS `r`,
    count(*) OVER (PARTITION BY `variant`) AS `n`
  FROM `m4_obs`
),
`m4_bounds` AS (
  SELECT `variant`, any_value(`n`) AS `n`,
    max(`y`) FILTER (WHERE `r` = greatest(1, ceil(`n` * 0.5 - 1e-9))) AS `estimate`,
    max(`y`) FILTER (WHERE `r` = greatest(1, floor(`n` * 0.5 - 1.959963984540054 * sqrt(`n` * 0.5 * (1 - 0.5)) + 1e-9))) AS `lower`,
    max(`y`) FILTER (WHERE `r` = least(`n`, ceil(`n` * 0.5 + 1.959963984540054 * sqrt(`n` * 0.5 * (1 - 0.5)) - 1e-9))) AS `upper`
  FROM `m4_ranked`
  GROUP BY `variant`
),
`m4_units` AS (
  SELECT o.`variant`, o.`unit`, CAST(count(*) AS DOUBLE) AS `n_g`,
    CAST(count(*) FILTER (WHERE o.`y` <= b.`estimate`) AS DOUBLE) AS `s_g`
  FROM `m4_obs` o JOIN `m4_bounds` b USING (`variant`)
  GROUP BY o.`variant`, o.`unit`
),
`m4_q` AS (
  SELECT b.`variant`, b.`n` AS `m4_q_n`, b.`estimate` AS `m4_q_estimate`, b.`lower` AS `m4_q_lower`, b.`upper` AS `m4_q_upper`,
    count(*) AS `m4_q_clusters`, sum(g.`s_g`) AS `m4_q_ind_sum`, sum(g.`s_g` * g.`s_g`) AS `m4_q_ind_sumsq`,
    sum(g.`n_g`) AS `m4_q_obs_sum`, sum(g.`n_g` * g.`n_g`) AS `m4_q_obs_sumsq`, sum(g.`s_g` * g.`n_g`) AS `m4_q_ind_obs_prod`
  FROM `m4_bounds` b JOIN `m4_units` g USING (`variant`)
  GROUP BY b.`variant`, b.`n`, b.`estimate`, b.`lower`, b.`upper`
)
SELECT arms.*, `m3_q`.`m3_q_n`, `m3_q`.`m3_q_estimate`, `m3_q`.`m3_q_lower`, `m3_q`.`m3_q_upper`, `m3_q`.`m3_q_clusters`, `m3_q`.`m3_q_ind_sum`, `m3_q`.`m3_q_ind_sumsq`, `m3_q`.`m3_q_obs_sum`, `m3_q`.`m3_q_obs_sumsq`, `m3_q`.`m3_q_ind_obs_prod`, `m4_q`.`m4_q_n`, `m4_q`.`m4_q_estimate`, `m4_q`.`m4_q_lower`, `m4_q`.`m4_q_upper`, `m4_q`.`m4_q_clusters`, `m4_q`.`m4_q_ind_sum`, `m4_q`.`m4_q_ind_sumsq`, `m4_q`.`m4_q_obs_sum`, `m4_q`.`m4_q_obs_sumsq`, `m4_q`.`m4_q_ind_obs_prod`
FROM (
WITH `cluster_totals` AS (
  SELECT `variant`, `cluster`, count(*) AS `n_units`, coalesce(sum(`m1`), 0) AS `m1_M`, count(`m1`) AS `m1_D`, coalesce(sum(`m2_num`), 0) AS `m2_M`, coalesce(sum(`m2_den`), 0) AS `m2_D`
  FROM `values`
  GROUP BY `variant`, `cluster`
)
SELECT `variant`, sum(`n_units`) AS `units`, count(*) AS `clusters`,
  (SELECT count(*) FROM `mixed_clusters`) AS `excluded_mixed_clusters`,
  (SELECT count(*) FROM `assignments` a WHERE `variants` = 1 AND EXISTS (SELECT 1 FROM `mixed_clusters` m WHERE m.`cluster` = a.`cluster`)) AS `excluded_mixed_cluster_units`,
  count(*) AS `m1_clusters`,
  coalesce(sum(`m1_M`), 0) AS `m1_m_sum`,
  coalesce(sum(`m1_M` * `m1_M`), 0) AS `m1_m_sumsq`,
  coalesce(sum(`m1_D`), 0) AS `m1_d_sum`,
  coalesce(sum(`m1_D` * `m1_D`), 0) AS `m1_d_sumsq`,
  coalesce(sum(`m1_M` * `m1_D`), 0) AS `m1_md_prod`,
  count(*) AS `m2_clusters`,
  coalesce(sum(`m2_M`), 0) AS `m2_m_sum`,
  coalesce(sum(`m2_M` * `m2_M`), 0) AS `m2_m_sumsq`,
  coalesce(sum(`m2_D`), 0) AS `m2_d_sum`,
  coalesce(sum(`m2_D` * `m2_D`), 0) AS `m2_d_sumsq`,
  coalesce(sum(`m2_M` * `m2_D`), 0) AS `m2_md_prod`,
  (SELECT count(*) FROM `assignments` WHERE `variants` > 1) AS `excluded_multiple_variants`,
  (SELECT count(*) FROM `assignments` WHERE `variants` = 1) AS `coverage_units`,
  (SELECT count(*) FILTER (WHERE `t0` + INTERVAL '604800' SECOND > (SELECT `ts` FROM `data_end`) + INTERVAL '6048' SECOND) FROM `assignments` WHERE `variants` = 1) AS `incomplete_units`,
  (SELECT `ts` FROM `data_end`) AS `data_end`
FROM `cluster_totals`
GROUP BY `variant`
) arms
LEFT JOIN `m3_q` ON arms.`variant` = `m3_q`.`variant`
LEFT JOIN `m4_q` ON arms.`variant` = `m4_q`.`variant`
ORDER BY arms.`variant`;

-- caliper: experiment fm_components, 3 metric(s), 1 source scan(s)
WITH
`src_exposures` AS (
  SELECT CAST(`user_id` AS STRING) AS `user_id`, CAST(`ts` AS TIMESTAMP) AS `ts`, CAST(`experiment` AS STRING) AS `experiment`, CAST(`variant` AS STRING) AS `variant`, CAST(`country` AS STRING) AS `country`, CAST(`platform` AS STRING) AS `platform`, CAST(`emb_arm` AS STRING) AS `emb_arm`, CAST(`ret_arm` AS STRING) AS `ret_arm`, CAST(`rank_arm` AS STRING) AS `rank_arm` FROM `analytics`.`exposures`
),
`src_events` AS (
  SELECT CAST(`user_id` AS STRING) AS `user_id`, CAST(`ts` AS TIMESTAMP) AS `ts`, CAST(`event` AS STRING) AS `event`, CAST(`surface` AS STRING) AS `surface`, CAST(`revenue` AS DOUBLE) AS `revenue`, CAST(`latency_ms` AS DOUBLE) AS `latency_ms` FROM `analytics`.`events`
),
`assignments` AS (
  SELECT `user_id` AS `unit`, min(CAST((CASE WHEN CAST(`emb_arm` AS STRING) <> 'v1' THEN 1 ELSE 0 END + CASE WHEN CAST(`ret_arm` AS STRING) <> 'v1' THEN 2 ELSE 0 END + CASE WHEN CAST(`rank_arm` AS STRING) <> 'v1' THEN 4 ELSE 0 END) AS STRING)) AS `variant`, count(DISTINCT (CASE WHEN CAST(`emb_arm` AS STRING) <> 'v1' THEN 1 ELSE 0 END + CASE WHEN CAST(`ret_arm` AS STRING) <> 'v1' THEN 2 ELSE 0 END + CASE WHEN CAST(`rank_arm` AS STRING) <> 'v1' THEN 4 ELSE 0 END)) AS `variants`, min(CAST(`ts` AS TIMESTAMP)) AS `t0`
  FROM `src_exposures`
  WHERE (`experiment` = 'fm_q4')
    AND `ts` IS NOT NULL
    AND `emb_arm` IS NOT NULL
    AND `ret_arm` IS NOT NULL
    AND `rank_arm` IS NOT NULL
    AND `user_id` IS NOT NULL
    AND `user_id` <> ''
  GROUP BY 1
),
`units` AS (
  SELECT `unit`, `variant`, `t0` FROM `assignments` WHERE `variants` = 1
),
`scan_1` AS (
  SELECT u.`unit`, u.`variant`,
    count(*) FILTER (WHERE (s.`event` = 'save') AND s.`user_id` IS NOT NULL) AS `a1`,
    count(*) FILTER (WHERE (s.`event` = 'session_start') AND s.`user_id` IS NOT NULL) AS `a2`
  FROM `units` u
  LEFT JOIN `src_events` s ON s.`user_id` = u.`unit`
    AND s.`ts` >= u.`t0`
    AND s.`ts` < u.`t0` + INTERVAL '604800' SECOND
  GROUP BY u.`unit`, u.`variant`
),
`per_unit` AS (
  SELECT j1.`unit`, j1.`variant`,
    coalesce(j1.`a1`, 0) AS `a1`,
    coalesce(j1.`a2`, 0) AS `a2`
  FROM `scan_1` j1
),
`values_raw` AS (
  SELECT `variant`,
    CAST(`a1` AS BIGINT) AS `m1`,
    CAST(`a2` AS BIGINT) AS `m2`,
    CAST(`a1` AS BIGINT) AS `m3_num`,
    CAST(`a2` AS BIGINT) AS `m3_den`
  FROM `per_unit`
),
`values` AS (SELECT * FROM `values_raw`)
SELECT `variant`,
  count(*) AS `units`,
  count(`m1`) AS `m1_n`,
  coalesce(sum(`m1`), 0) AS `m1_sum`,
  coalesce(sum(`m1` * `m1`), 0) AS `m1_sumsq`,
  count(`m2`) AS `m2_n`,
  coalesce(sum(`m2`), 0) AS `m2_sum`,
  coalesce(sum(`m2` * `m2`), 0) AS `m2_sumsq`,
  count(*) AS `m3_n`,
  coalesce(sum(`m3_num`), 0) AS `m3_num_sum`,
  coalesce(sum(`m3_num` * `m3_num`), 0) AS `m3_num_sumsq`,
  coalesce(sum(`m3_den`), 0) AS `m3_den_sum`,
  coalesce(sum(`m3_den` * `m3_den`), 0) AS `m3_den_sumsq`,
  coalesce(sum(`m3_num` * `m3_den`), 0) AS `m3_prod`,
  (SELECT count(*) FROM `assignments` WHERE `variants` > 1) AS `excluded_multiple_variants`,
  (SELECT count(DISTINCT CAST(`emb_arm` AS STRING)) FROM `src_exposures` WHERE (`experiment` = 'fm_q4')) AS `levels_0`,
  (SELECT count(DISTINCT CAST(`ret_arm` AS STRING)) FROM `src_exposures` WHERE (`experiment` = 'fm_q4')) AS `levels_1`,
  (SELECT count(DISTINCT CAST(`rank_arm` AS STRING)) FROM `src_exposures` WHERE (`experiment` = 'fm_q4')) AS `levels_2`
FROM `values`
GROUP BY `variant`
ORDER BY `variant`;

