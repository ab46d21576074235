-- Hiring regions with their labor-market figures, for hiring reach (spec/model.md, "Hiring reach").
SELECT region_id, name, state, lat, lon, population, labor_force, unemployment_rate,
       csr_employment, csr_median_hourly_wage, broadband_share, utc_offset_hours
FROM regions
ORDER BY region_id
