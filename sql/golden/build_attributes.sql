-- Survivorship of attributes (staging.customers.attributes, the JSON object of a record's values
-- beyond the canonical fields; dq_project/sources/mapping.py), per entity of golden_members and attribute
-- key. Candidates are the members' non-blank values of the key; the rule is the `field_rules` row
-- of 'attributes.<key>', else of 'attributes', else most_recent (custom fields change over time):
--   most_recent: the most recently updated record; most_trusted_source: the highest trust;
--   most_complete: the record with most valid canonical fields; most_frequent: the value most
--   members hold. Ties: recency, trust, the smallest record key.
-- rule says why the value won: consensus when every candidate holds the same value, else the rule.
-- The winners (temp table golden_attributes) join the provenance rows in state_new as fields
-- 'attributes.<key>'; sql/golden/attach_attributes.sql puts them into the golden records.
-- Only records with attributes are read, so sources without any cost nothing here.
create or replace temp table golden_attributes as
with candidates as (
    select
        m.golden_id, m.record_key, m.source, m.source_record_id, m.trust, m.updated_at, m.completeness,
        k.key,
        trim(m.attributes ->> ('/' || replace(replace(k.key, '~', '~0'), '/', '~1'))) as value
    from golden_members as m, unnest(json_keys(m.attributes)) as k(key)
    where m.attributes is not null
),
ruled as (
    select
        c.*,
        coalesce(f.rule, a.rule, 'most_recent') as field_rule,
        count(*) over (partition by c.golden_id, c.key, c.value) as frequency
    from candidates as c
    left join field_rules as f on f.field = 'attributes.' || c.key
    left join field_rules as a on a.field = 'attributes'
    where c.value is not null and c.value <> ''
),
ranked as (
    select
        *,
        row_number() over (
            partition by golden_id, key
            order by
                case field_rule when 'most_frequent' then -frequency else 0 end,
                case field_rule when 'most_trusted_source' then -trust else 0 end,
                case field_rule when 'most_complete' then -completeness else 0 end,
                epoch(updated_at) desc nulls last, trust desc, record_key
        ) as place,
        count(*) over (partition by golden_id, key) as candidates,
        min(value) over (partition by golden_id, key) = max(value) over (partition by golden_id, key)
            as consensus
    from ruled
)
select
    golden_id, 'attributes.' || key as field, value, source, source_record_id,
    case when consensus then 'consensus' else field_rule end as rule,
    cast(candidates as bigint) as candidates
from ranked
where place = 1;
insert into state_new by name
select golden_id, field, value, source, source_record_id, rule, candidates from golden_attributes;
