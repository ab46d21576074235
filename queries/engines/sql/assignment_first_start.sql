-- The earliest assignment start: where the monthly headcount trend begins (at most 36 months back).
SELECT min(start_date) AS first_start
FROM assignments
