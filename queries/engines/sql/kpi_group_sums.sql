-- KPI figures per group over $start..$end, computed in the engine as two-level aggregates
-- (spec/model.md, "KPIs", "Comparing two groups", "Privacy floor"): per agent, then per group,
-- so that only per-group rows come back, never one per agent.
--
-- A group is a work mode, alone (split 'none') or split by one of site_id, tenure_band, month
-- (split names that key; the other keys are NULL). Per group:
--   agents              distinct agents with at least one KPI row in the group (the privacy floor);
--   the measure sums    from which each KPI is a ratio of sums (floats as DOUBLE, of exact sums);
--   per KPI, over the agents with a non-zero denominator (the delta method's agents):
--   KPI_n               how many;
--   KPI_num, KPI_den    their numerator and denominator sums, exact;
--   KPI_nn, KPI_nd, KPI_dd  the sums over them of num_i^2, num_i x den_i and den_i^2, exact.
-- From these queries.model.kpi computes the delta-method variance exactly (in rationals):
-- with R = num / den, z_i = (num_i - R den_i) / mean(den) sums to 0 over those agents, and
-- sum z_i^2 = (nn - 2 R nd + R^2 dd) / mean(den)^2, so var_samp(z) = that / (n - 1). A variance
-- computed over doubles here would depend on the order threads add partial sums in (the report
-- must be the same bytes for the same data), and the formula over doubles loses digits to
-- cancellation; exact sums have neither problem.
--
-- Exactness: float measures are summed as DECIMAL(38, 6) (each row rounded to 6 decimals, then
-- exact); products take DECIMAL(18, s) x DECIMAL(19, s) operands, whose product fits DECIMAL(38) exactly
-- on both engines (Spark rounds a product wider than 38 digits to 6 decimals; DuckDB multiplies
-- two DECIMAL(18) in 64 bits and overflows). The contract's bounds
-- keep an agent's sums far below 10^12 over any realistic period.
--
-- One scan of kpi_daily: every row in the period meets its agent's assignment on that day
-- (at most one: `wfplan check` refuses overlaps; rows without one are left out), then rows are
-- summed per agent, mode, site and month, and those sums per agent within each group of each
-- split (GROUPING SETS), then per group. On Spark every CTE is inlined, and this is one
-- join-then-group chain over one scan.
--
-- Tenure band at $end, in calendar months: an agent completes m months of tenure on
-- hire_date + m months (DuckDB date arithmetic, which clamps to the month's last day:
-- 2025-08-31 + 6 months = 2026-02-28). '< 6 months' = $end before the 6-month anniversary;
-- '> 24 months' = $end after the 24-month anniversary; '6-24 months' = both anniversaries
-- and the days between. attrition_inputs.sql uses the same bands.
WITH agent_months AS (
  SELECT k.agent_id, s.work_mode, s.site_id, CAST(date_trunc('month', k."date") AS DATE) AS "month",
    sum(k.contacts) AS contacts,
    sum(CAST(k.handle_seconds AS DECIMAL(38, 6))) AS handle_seconds,
    sum(k.fcr_eligible) AS fcr_eligible,
    sum(k.fcr_resolved) AS fcr_resolved,
    sum(k.csat_responses) AS csat_responses,
    sum(CAST(k.csat_points AS DECIMAL(38, 6))) AS csat_points,
    sum(k.qa_evaluations) AS qa_evaluations,
    sum(CAST(k.qa_points AS DECIMAL(38, 6))) AS qa_points,
    sum(CAST(k.scheduled_minutes AS DECIMAL(38, 6))) AS scheduled_minutes,
    sum(CAST(k.adherent_minutes AS DECIMAL(38, 6))) AS adherent_minutes,
    sum(k.fraud_incidents) AS fraud_incidents
  FROM kpi_daily AS k
  JOIN assignments AS s
    ON s.agent_id = k.agent_id
   AND s.start_date <= k."date"
   AND (s.end_date IS NULL OR k."date" <= s.end_date)
  WHERE k."date" BETWEEN $start AND $end
  GROUP BY k.agent_id, s.work_mode, s.site_id, CAST(date_trunc('month', k."date") AS DATE)
),
banded AS (
  SELECT m.*,
    CASE
      WHEN $end < a.hire_date + INTERVAL '6 months' THEN '< 6 months'
      WHEN $end <= a.hire_date + INTERVAL '24 months' THEN '6-24 months'
      ELSE '> 24 months'
    END AS tenure_band
  FROM agent_months AS m
  JOIN agents AS a ON a.agent_id = m.agent_id
),
per_agent AS (
  SELECT
    CASE
      WHEN grouping(site_id) = 0 THEN 'site_id'
      WHEN grouping(tenure_band) = 0 THEN 'tenure_band'
      WHEN grouping("month") = 0 THEN 'month'
      ELSE 'none'
    END AS split,
    agent_id, work_mode, site_id, tenure_band, "month",
    sum(contacts) AS contacts, sum(handle_seconds) AS handle_seconds,
    sum(fcr_eligible) AS fcr_eligible, sum(fcr_resolved) AS fcr_resolved,
    sum(csat_responses) AS csat_responses, sum(csat_points) AS csat_points,
    sum(qa_evaluations) AS qa_evaluations, sum(qa_points) AS qa_points,
    sum(scheduled_minutes) AS scheduled_minutes, sum(adherent_minutes) AS adherent_minutes,
    sum(fraud_incidents) AS fraud_incidents
  FROM banded
  GROUP BY GROUPING SETS (
    (agent_id, work_mode), (agent_id, work_mode, site_id),
    (agent_id, work_mode, tenure_band), (agent_id, work_mode, "month")
  )
)
SELECT
  split, work_mode, site_id, tenure_band, "month",
  count(*) AS agents,
  CAST(sum(contacts) AS BIGINT) AS contacts, CAST(sum(handle_seconds) AS DOUBLE) AS handle_seconds,
  CAST(sum(fcr_eligible) AS BIGINT) AS fcr_eligible, CAST(sum(fcr_resolved) AS BIGINT) AS fcr_resolved,
  CAST(sum(csat_responses) AS BIGINT) AS csat_responses, CAST(sum(csat_points) AS DOUBLE) AS csat_points,
  CAST(sum(qa_evaluations) AS BIGINT) AS qa_evaluations, CAST(sum(qa_points) AS DOUBLE) AS qa_points,
  CAST(sum(scheduled_minutes) AS DOUBLE) AS scheduled_minutes,
  CAST(sum(adherent_minutes) AS DOUBLE) AS adherent_minutes,
  CAST(sum(fraud_incidents) AS BIGINT) AS fraud_incidents,
  count(*) FILTER (WHERE contacts <> 0) AS aht_seconds_n, CAST(sum(handle_seconds) FILTER (WHERE contacts <> 0) AS DECIMAL(38, 6)) AS aht_seconds_num, CAST(sum(contacts) AS BIGINT) AS aht_seconds_den,
  sum(CAST(handle_seconds AS DECIMAL(18, 6)) * CAST(handle_seconds AS DECIMAL(19, 6))) FILTER (WHERE contacts <> 0) AS aht_seconds_nn,
  sum(CAST(handle_seconds AS DECIMAL(18, 6)) * CAST(contacts AS DECIMAL(19, 0))) AS aht_seconds_nd,
  sum(CAST(contacts AS DECIMAL(18, 0)) * CAST(contacts AS DECIMAL(19, 0))) AS aht_seconds_dd,
  count(*) FILTER (WHERE fcr_eligible <> 0) AS fcr_n, CAST(sum(fcr_resolved) FILTER (WHERE fcr_eligible <> 0) AS BIGINT) AS fcr_num, CAST(sum(fcr_eligible) AS BIGINT) AS fcr_den,
  sum(CAST(fcr_resolved AS DECIMAL(18, 0)) * CAST(fcr_resolved AS DECIMAL(19, 0))) FILTER (WHERE fcr_eligible <> 0) AS fcr_nn,
  sum(CAST(fcr_resolved AS DECIMAL(18, 0)) * CAST(fcr_eligible AS DECIMAL(19, 0))) AS fcr_nd,
  sum(CAST(fcr_eligible AS DECIMAL(18, 0)) * CAST(fcr_eligible AS DECIMAL(19, 0))) AS fcr_dd,
  count(*) FILTER (WHERE csat_responses <> 0) AS csat_n, CAST(sum(csat_points) FILTER (WHERE csat_responses <> 0) AS DECIMAL(38, 6)) AS csat_num, CAST(sum(csat_responses) AS BIGINT) AS csat_den,
  sum(CAST(csat_points AS DECIMAL(18, 6)) * CAST(csat_points AS DECIMAL(19, 6))) FILTER (WHERE csat_responses <> 0) AS csat_nn,
  sum(CAST(csat_points AS DECIMAL(18, 6)) * CAST(csat_responses AS DECIMAL(19, 0))) AS csat_nd,
  sum(CAST(csat_responses AS DECIMAL(18, 0)) * CAST(csat_responses AS DECIMAL(19, 0))) AS csat_dd,
  count(*) FILTER (WHERE qa_evaluations <> 0) AS qa_n, CAST(sum(qa_points) FILTER (WHERE qa_evaluations <> 0) AS DECIMAL(38, 6)) AS qa_num, CAST(sum(qa_evaluations) AS BIGINT) AS qa_den,
  sum(CAST(qa_points AS DECIMAL(18, 6)) * CAST(qa_points AS DECIMAL(19, 6))) FILTER (WHERE qa_evaluations <> 0) AS qa_nn,
  sum(CAST(qa_points AS DECIMAL(18, 6)) * CAST(qa_evaluations AS DECIMAL(19, 0))) AS qa_nd,
  sum(CAST(qa_evaluations AS DECIMAL(18, 0)) * CAST(qa_evaluations AS DECIMAL(19, 0))) AS qa_dd,
  count(*) FILTER (WHERE scheduled_minutes <> 0) AS adherence_n, CAST(sum(adherent_minutes) FILTER (WHERE scheduled_minutes <> 0) AS DECIMAL(38, 6)) AS adherence_num, CAST(sum(scheduled_minutes) AS DECIMAL(38, 6)) AS adherence_den,
  sum(CAST(adherent_minutes AS DECIMAL(18, 6)) * CAST(adherent_minutes AS DECIMAL(19, 6))) FILTER (WHERE scheduled_minutes <> 0) AS adherence_nn,
  sum(CAST(adherent_minutes AS DECIMAL(18, 6)) * CAST(scheduled_minutes AS DECIMAL(19, 6))) AS adherence_nd,
  sum(CAST(scheduled_minutes AS DECIMAL(18, 6)) * CAST(scheduled_minutes AS DECIMAL(19, 6))) AS adherence_dd,
  count(*) FILTER (WHERE contacts <> 0) AS fraud_per_100k_contacts_n, CAST(sum(fraud_incidents) FILTER (WHERE contacts <> 0) AS BIGINT) AS fraud_per_100k_contacts_num, CAST(sum(contacts) AS BIGINT) AS fraud_per_100k_contacts_den,
  sum(CAST(fraud_incidents AS DECIMAL(18, 0)) * CAST(fraud_incidents AS DECIMAL(19, 0))) FILTER (WHERE contacts <> 0) AS fraud_per_100k_contacts_nn,
  sum(CAST(fraud_incidents AS DECIMAL(18, 0)) * CAST(contacts AS DECIMAL(19, 0))) AS fraud_per_100k_contacts_nd,
  sum(CAST(contacts AS DECIMAL(18, 0)) * CAST(contacts AS DECIMAL(19, 0))) AS fraud_per_100k_contacts_dd
FROM per_agent
GROUP BY split, work_mode, site_id, tenure_band, "month"
