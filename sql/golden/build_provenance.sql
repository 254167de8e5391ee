-- Survivorship, per entity and field, among the members' non-missing values (temp table
-- golden_members, sql/golden/build_members.sql):
--   1. a valid value (status ok/normalized) beats an invalid one;
--   2. then the field's rule (`field_rules`, see dq_project/matching/survivorship.py):
--      most_trusted_source, most_recent, most_complete (record with most valid fields),
--      most_frequent (value held by most records);
--   3. then trust (`source_trust`), recency, and the smallest record key (deterministic).
-- The winner is the arg_min of one ordering key per candidate (descending parts negated, nulls
-- last as +infinity): a group by, not a window sort per ordering.
-- rule says why the value won: consensus (all candidates agree), the field's rule, invalid_only
-- (no valid candidate; kept so a steward sees it), or steward_override (the latest override_field
-- decision on the golden ID and field; source 'steward', source_record_id = the decision id).
-- An override follows its golden record when that ID later retires into another one (a merge:
-- matching.golden_id_changes 'retire' rows, followed to the ID alive on the date); when both had
-- an override of the same field, the latest decision wins.
-- An entity of one record skips the ranking ($single_fast_path; false ranks it like any other,
-- with the same result: the tests compare both).
-- golden_members holds only the entities of `golden_scope` in a scoped build (dq erase,
-- incremental runs). The rows go to temp table state_new for dq_project.versioned.replace_state.
create or replace temp table state_new as
with recursive candidates as (
    unpivot (
        select
            golden_id, member_count, record_key, source, source_record_id, trust, updated_at, completeness,
            customer_type, customer_type_status, name, name_status, gender, gender_status,
            birth_date, birth_date_status, id_number, id_number_status, company_name, company_name_status,
            credit_code, credit_code_status, mobile, mobile_status, phone, phone_status,
            email, email_status, province, province_status, city, city_status,
            district, district_status, address, address_status, owner, owner_status
        from golden_members
    )
    on (customer_type, customer_type_status) as customer_type, (name, name_status) as name,
       (gender, gender_status) as gender, (birth_date, birth_date_status) as birth_date,
       (id_number, id_number_status) as id_number, (company_name, company_name_status) as company_name,
       (credit_code, credit_code_status) as credit_code, (mobile, mobile_status) as mobile,
       (phone, phone_status) as phone, (email, email_status) as email,
       (province, province_status) as province, (city, city_status) as city,
       (district, district_status) as district, (address, address_status) as address,
       (owner, owner_status) as owner
    into name field value value, status
),
ranked_candidates as (
    select c.*, coalesce(f.rule, 'most_trusted_source') as field_rule
    from candidates as c
    left join field_rules as f on f.field = c.field
    where c.value is not null and (c.member_count > 1 or not $single_fast_path)
),
frequencies as (
    select golden_id, field, value, count(*) as frequency
    from ranked_candidates
    where field_rule = 'most_frequent'
    group by golden_id, field, value
),
ranked as (
    select
        c.golden_id,
        c.field,
        arg_min(
            {'value': c.value, 'source': c.source, 'source_record_id': c.source_record_id, 'status': c.status},
            {
                'validity': case when c.status in ('ok', 'normalized') then 0 when c.status is null then 2 else 1 end,
                'score': coalesce(-case c.field_rule
                    when 'most_trusted_source' then cast(c.trust as double)
                    when 'most_recent' then epoch(c.updated_at)
                    when 'most_complete' then cast(c.completeness as double)
                    when 'most_frequent' then cast(q.frequency as double)
                end, 'infinity'::double),
                'trust': -c.trust,
                'recency': coalesce(-epoch_us(c.updated_at), 9223372036854775807),
                'record_key': c.record_key
            }
        ) as winner,
        any_value(c.field_rule) as field_rule,
        count(*) as candidates,
        min(c.value) = max(c.value) as consensus
    from ranked_candidates as c
    left join frequencies as q on q.golden_id = c.golden_id and q.field = c.field and q.value = c.value
    group by c.golden_id, c.field
),
lineage (decided_id, golden_id, depth) as (
    select distinct golden_id, golden_id, 0
    from matching.steward_decisions
    where action = 'override_field'
    union all
    select l.decided_id, r.related_golden_id, l.depth + 1
    from lineage as l
    join matching.golden_id_changes as r
      on r.golden_id = l.golden_id and r.change = 'retire' and r.as_of_date <= cast($as_of_date as date)
    where l.depth < 100
),
heirs as (
    select decided_id, arg_max(golden_id, depth) as golden_id from lineage group by decided_id
),
overrides as (
    select h.golden_id, d.field, d.value, d.decision_id
    from matching.steward_decisions as d
    join heirs as h on h.decided_id = d.golden_id
    where d.action = 'override_field'
    qualify row_number() over (
        partition by h.golden_id, d.field order by d.decided_at desc, d.decision_id desc
    ) = 1
),
computed as (
select
    golden_id,
    field,
    winner.value,
    winner.source,
    winner.source_record_id,
    case
        when winner.status not in ('ok', 'normalized') then 'invalid_only'
        when consensus then 'consensus'
        else field_rule
    end as rule,
    candidates
from ranked
union all
-- an entity of one record: its own values, nothing to rank (the rules above give the same)
select
    golden_id, field, value, source, source_record_id,
    case when status not in ('ok', 'normalized') then 'invalid_only' else 'consensus' end,
    1
from candidates
where value is not null and member_count = 1 and $single_fast_path
)
select c.* from computed as c
where not exists (select 1 from overrides as o where o.golden_id = c.golden_id and o.field = c.field)
union all
select o.golden_id, o.field, o.value, 'steward', o.decision_id, 'steward_override',
       coalesce(c.candidates, 0)
from overrides as o
join (select distinct golden_id from golden_members) as g on g.golden_id = o.golden_id
left join computed as c on c.golden_id = o.golden_id and c.field = o.field;
