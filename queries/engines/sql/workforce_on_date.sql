-- Agents employed on $as_of with the assignment they have that day. An employed agent
-- with no assignment that day keeps NULL work_mode: labor cost counts them, headcount by
-- mode does not. home_region locates the agent's commute (queries/model/commute.py).
SELECT a.agent_id, a.hire_date, a.hourly_wage, a.fte,
       s.work_mode, s.site_id, s.onsite_days_per_week, a.home_region
FROM agents AS a
LEFT JOIN assignments AS s
  ON s.agent_id = a.agent_id
 AND s.start_date <= $as_of
 AND (s.end_date IS NULL OR $as_of <= s.end_date)
WHERE a.hire_date <= $as_of
  AND (a.term_date IS NULL OR $as_of <= a.term_date)
ORDER BY a.agent_id
