-- Sites that cost money: status open or closing (spec/model.md, "Site costs").
SELECT site_id, name, city, state, status, seats, sqft, lease_annual, opex_annual,
       lease_end, lease_break_fee, lat, lon
FROM sites
WHERE status IN ('open', 'closing')
ORDER BY site_id
