-- KPI figures per group over $start..$end, computed in the engine as two-level aggregates
-- (spec/model.md, "KPIs", "Comparing two groups", "Privacy floor"): per agent, then per group,
-- so that only per-group rows come back, never one per agent (at a million agents the per-agent
-- frame of kpi_agent_sums.sql is 3 to 12 million rows).
--
-- A group is a work mode, alone (split 'none') or split by one of site_id, tenure_band, month
-- (split names that key; the other keys are NULL). Per group:
--   agents              distinct agents with at least one KPI row in the group (the privacy floor);
--   the measure sums    as in kpi_agent_sums.sql, from which each KPI is a ratio of sums;
--   KPI_n               agents with a non-zero denominator for that KPI;
--   KPI_var_z           var_samp (n - 1) of the delta-method linearized values of those agents,
--                       z_i = (num_i - R x den_i) / mean(den), R = the group's KPI, mean(den) over
--                       the same agents; Var(KPI) = KPI_var_z / KPI_n. NULL below 2 agents.
-- Fraud is per 100,000 contacts: its z carries the scale, so its variance is in those units.
--
-- One scan of kpi_daily: every row in the period meets its agent's assignment on that day
-- (at most one: `wfplan check` refuses overlaps; rows without one are left out, as in
-- kpi_agent_sums.sql), then rows are summed per agent, mode, site and month, and those sums
-- per agent within each group of each split (GROUPING SETS), then per group.
-- Tenure band: as in kpi_agent_sums.sql (calendar-month anniversaries of hire_date at $end).
WITH agent_months AS (
  SELECT k.agent_id, s.work_mode, s.site_id, CAST(date_trunc('month', k."date") AS DATE) AS "month",
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
    CAST(sum(k.fraud_incidents) AS BIGINT) AS fraud_incidents
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
),
-- Each group's KPI (ratio of its sums) beside each of its agents, for the linearized values.
with_ratio AS (
  SELECT p.*,
    sum(handle_seconds) OVER g / nullif(sum(contacts) OVER g, 0) AS r_aht,
    sum(fcr_resolved) OVER g / nullif(sum(fcr_eligible) OVER g, 0) AS r_fcr,
    sum(csat_points) OVER g / nullif(sum(csat_responses) OVER g, 0) AS r_csat,
    sum(qa_points) OVER g / nullif(sum(qa_evaluations) OVER g, 0) AS r_qa,
    sum(adherent_minutes) OVER g / nullif(sum(scheduled_minutes) OVER g, 0) AS r_adherence,
    100000.0 * sum(fraud_incidents) OVER g / nullif(sum(contacts) OVER g, 0) AS r_fraud
  FROM per_agent AS p
  WINDOW g AS (PARTITION BY split, work_mode, site_id, tenure_band, "month")
)
SELECT
  split, work_mode, site_id, tenure_band, "month",
  count(*) AS agents,
  CAST(sum(contacts) AS BIGINT) AS contacts, sum(handle_seconds) AS handle_seconds,
  CAST(sum(fcr_eligible) AS BIGINT) AS fcr_eligible, CAST(sum(fcr_resolved) AS BIGINT) AS fcr_resolved,
  CAST(sum(csat_responses) AS BIGINT) AS csat_responses, sum(csat_points) AS csat_points,
  CAST(sum(qa_evaluations) AS BIGINT) AS qa_evaluations, sum(qa_points) AS qa_points,
  sum(scheduled_minutes) AS scheduled_minutes, sum(adherent_minutes) AS adherent_minutes,
  CAST(sum(fraud_incidents) AS BIGINT) AS fraud_incidents,
  count(*) FILTER (WHERE contacts <> 0) AS aht_seconds_n,
  var_samp(handle_seconds - r_aht * contacts) FILTER (WHERE contacts <> 0)
    / power(sum(contacts) / nullif(count(*) FILTER (WHERE contacts <> 0), 0), 2) AS aht_seconds_var_z,
  count(*) FILTER (WHERE fcr_eligible <> 0) AS fcr_n,
  var_samp(fcr_resolved - r_fcr * fcr_eligible) FILTER (WHERE fcr_eligible <> 0)
    / power(sum(fcr_eligible) / nullif(count(*) FILTER (WHERE fcr_eligible <> 0), 0), 2) AS fcr_var_z,
  count(*) FILTER (WHERE csat_responses <> 0) AS csat_n,
  var_samp(csat_points - r_csat * csat_responses) FILTER (WHERE csat_responses <> 0)
    / power(sum(csat_responses) / nullif(count(*) FILTER (WHERE csat_responses <> 0), 0), 2) AS csat_var_z,
  count(*) FILTER (WHERE qa_evaluations <> 0) AS qa_n,
  var_samp(qa_points - r_qa * qa_evaluations) FILTER (WHERE qa_evaluations <> 0)
    / power(sum(qa_evaluations) / nullif(count(*) FILTER (WHERE qa_evaluations <> 0), 0), 2) AS qa_var_z,
  count(*) FILTER (WHERE scheduled_minutes <> 0) AS adherence_n,
  var_samp(adherent_minutes - r_adherence * scheduled_minutes) FILTER (WHERE scheduled_minutes <> 0)
    / power(sum(scheduled_minutes) / nullif(count(*) FILTER (WHERE scheduled_minutes <> 0), 0), 2) AS adherence_var_z,
  count(*) FILTER (WHERE contacts <> 0) AS fraud_per_100k_contacts_n,
  var_samp(100000.0 * fraud_incidents - r_fraud * contacts) FILTER (WHERE contacts <> 0)
    / power(sum(contacts) / nullif(count(*) FILTER (WHERE contacts <> 0), 0), 2) AS fraud_per_100k_contacts_var_z
FROM with_ratio
GROUP BY split, work_mode, site_id, tenure_band, "month"
