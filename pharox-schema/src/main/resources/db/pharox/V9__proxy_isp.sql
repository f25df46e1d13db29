-- Pharox storage schema, version 9: the ISP tag, filtered on by equality like source and city.
ALTER TABLE proxy ADD COLUMN isp text;
