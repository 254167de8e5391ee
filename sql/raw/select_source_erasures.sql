select count(*) from raw.erasures where source = $source;
