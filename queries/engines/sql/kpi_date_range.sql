-- The first and last day with KPI data: the default as-of date and period end.
SELECT min("date") AS first_date, max("date") AS last_date
FROM kpi_daily
