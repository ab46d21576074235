-- KPI sums per agent and group key over $start..$end (spec/model.md, "KPIs"): the one scan of
-- kpi_daily behind every KPI figure, so the result has agents x (mode, site, month) rows,
-- never one row per day. Agent ids stay in this internal frame; no screen lists them.
--
-- A row belongs to the work mode and site of the agent's assignment on its date (assignments
-- never overlap, so at most one matches). Rows on days without an assignment match none and
-- are left out here; `wfplan check` counts them as a warning.
--
-- Tenure band at $end, in calendar months: an agent completes m months of tenure on
-- hire_date + m months (DuckDB date arithmetic, which clamps to the month's last day:
-- 2025-08-31 + 6 months = 2026-02-28). '< 6 months' = $end before the 6-month anniversary;
-- '> 24 months' = $end after the 24-month anniversary; '6-24 months' = both anniversaries
-- and the days between. attrition_inputs.sql uses the same bands.
WITH sums AS (
  SELECT
    k.agent_id,
    s.work_mode,
    s.site_id,
    CAST(date_trunc('month', k."date") AS DATE) AS "month",
    -- sum(BIGINT) is HUGEINT in DuckDB; these totals fit BIGINT by far.
    CAST(sum(k.contacts) AS BIGINT) AS contacts,
    sum(k.handle_seconds) AS handle_seconds,
    CAST(sum(k.fcr_eligible) AS BIGINT) AS fcr_eligible,
    CAST(sum(k.fcr_resolved) AS BIGINT) AS fcr_resolved,
    CAST(sum(k.csat_responses) AS BIGINT) AS csat_responses,
    sum(k.csat_points) AS csat_points,
    CAST(sum(k.qa_evaluations) AS BIGINT) AS qa_evaluations,
    sum(k.qa_points) AS qa_points,
    sum(k.scheduled_minutes) AS scheduled_minutes,
    sum(k.adherent_minutes) AS adherent_minutes,
    CAST(sum(k.fraud_incidents) AS BIGINT) AS fraud_incidents,
    count(*) AS days
  FROM kpi_daily AS k
  JOIN assignments AS s
    ON s.agent_id = k.agent_id
   AND s.start_date <= k."date"
   AND (s.end_date IS NULL OR k."date" <= s.end_date)
  WHERE k."date" BETWEEN $start AND $end
  GROUP BY k.agent_id, s.work_mode, s.site_id, "month"
)
-- The band is a property of the agent: computed after the aggregation, once per result row
-- rather than once per KPI row (date arithmetic on 50 million rows is most of the scan).
SELECT
  u.agent_id, u.work_mode, u.site_id, u."month",
  CASE
    WHEN $end < a.hire_date + INTERVAL '6 months' THEN '< 6 months'
    WHEN $end <= a.hire_date + INTERVAL '24 months' THEN '6-24 months'
    ELSE '> 24 months'
  END AS tenure_band,
  u.contacts, u.handle_seconds, u.fcr_eligible, u.fcr_resolved, u.csat_responses, u.csat_points,
  u.qa_evaluations, u.qa_points, u.scheduled_minutes, u.adherent_minutes, u.fraud_incidents, u.days
FROM sums AS u
JOIN agents AS a ON a.agent_id = u.agent_id
