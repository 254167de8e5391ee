-- Survivorship, per entity and field, among the members' non-missing values (temp table
-- golden_members, sql/golden/build_members.sql):
--   1. a valid value (status ok/normalized) beats an invalid one;
--   2. then the field's rule (`field_rules`, see dq_project/golden/survivorship.py):
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
-- with the same result: the tests compare both). Its rows are left out altogether when they are
-- implicit: all its values valid and no override (golden_members.all_valid, golden_overrides);
-- build_customers.sql then marks its golden record, and the golden.provenance view derives them.
-- golden_members holds only the entities of `golden_scope` in a scoped build (dq erase,
-- incremental runs). The rows go to temp table state_new for dq_project.warehouse.versioned.replace_state.
-- The overrides of the entities built, with the number of candidates of their field (their own
-- small table, so that the big statement below joins them on the right side; build_customers.sql
-- reads it too, then drops it).
create or replace temp table golden_overrides as
with recursive lineage (decided_id, golden_id, depth) as (
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
      and cast(d.decided_at as date) <= cast($as_of_date as date)  -- from the date it was made
    qualify row_number() over (
        partition by h.golden_id, d.field order by d.decided_at desc, d.decision_id desc
    ) = 1
),
member_overrides as (
    select o.* from overrides as o
    where o.golden_id in (select golden_id from golden_members)
),
override_candidates as (
    unpivot (
        select golden_id, customer_type, name, gender, birth_date, id_number, company_name, credit_code,
               mobile, phone, email, province, city, district, address, owner, given_name, family_name,
               postcode, identifier
        from golden_members
        where golden_id in (select golden_id from member_overrides)
    )
    on customer_type, name, gender, birth_date, id_number, company_name, credit_code, mobile, phone,
       email, province, city, district, address, owner, given_name, family_name, postcode, identifier
    into name field value value
)
select
    o.golden_id, o.field, o.value, 'steward' as source, o.decision_id as source_record_id,
    'steward_override' as rule,
    (select count(*) from override_candidates as v where v.golden_id = o.golden_id and v.field = o.field)
        as candidates
from member_overrides as o;
create or replace temp table state_new as
with ranks as (
    -- each record's place in its entity under each rule's order (ties: trust, recency, record key)
    select
        golden_id,
        record_key,
        row_number() over (
            partition by golden_id order by trust desc, updated_at desc nulls last, record_key
        ) as trust_rank,
        row_number() over (
            partition by golden_id
            order by epoch(updated_at) desc nulls last, trust desc, updated_at desc nulls last, record_key
        ) as recent_rank,
        row_number() over (
            partition by golden_id order by completeness desc, trust desc, updated_at desc nulls last, record_key
        ) as complete_rank
    from golden_members
    where member_count > 1 or not $single_fast_path
),
ranked_candidates as (
    select c.*, coalesce(f.rule, 'most_trusted_source') as field_rule
    from (
        unpivot (
            select m.golden_id, source, source_record_id, trust_rank, recent_rank, complete_rank,
            customer_type, customer_type_status, name, name_status, gender, gender_status,
            birth_date, birth_date_status, id_number, id_number_status, company_name, company_name_status,
            credit_code, credit_code_status, mobile, mobile_status, phone, phone_status,
            email, email_status, province, province_status, city, city_status,
            district, district_status, address, address_status, owner, owner_status,
            given_name, given_name_status, family_name, family_name_status, postcode, postcode_status,
            identifier, identifier_status
            from golden_members as m
            join ranks as r on r.golden_id = m.golden_id and r.record_key = m.record_key
            where member_count > 1 or not $single_fast_path
        )
        on (customer_type, customer_type_status) as customer_type, (name, name_status) as name,
           (gender, gender_status) as gender, (birth_date, birth_date_status) as birth_date,
           (id_number, id_number_status) as id_number, (company_name, company_name_status) as company_name,
           (credit_code, credit_code_status) as credit_code, (mobile, mobile_status) as mobile,
           (phone, phone_status) as phone, (email, email_status) as email,
           (province, province_status) as province, (city, city_status) as city,
           (district, district_status) as district, (address, address_status) as address,
           (owner, owner_status) as owner, (given_name, given_name_status) as given_name,
           (family_name, family_name_status) as family_name, (postcode, postcode_status) as postcode,
           (identifier, identifier_status) as identifier
        into name field value value, status
    ) as c
    left join field_rules as f on f.field = c.field
    where c.value is not null
),
-- Per value of a field: how many records hold it, and its best record by validity, then the
-- rank of the record under the field's rule (packed into one bigint: entities have fewer than
-- 2^30 records).
value_groups as (
    select
        golden_id,
        field,
        value,
        any_value(field_rule) as field_rule,
        count(*) as frequency,
        min(position) as position,
        arg_min_null(source, position) as source,
        arg_min_null(source_record_id, position) as source_record_id,
        arg_min_null(status, position) as status
    from (
        select
            *,
            case when status in ('ok', 'normalized') then 0 when status is null then 2 else 1 end
                * 1152921504606846976
            + case field_rule
                when 'most_recent' then recent_rank
                when 'most_complete' then complete_rank
                else trust_rank
            end as position
        from ranked_candidates
    )
    group by golden_id, field, value
),
-- The winning value: the best position, most_frequent putting frequency after validity.
ranked as (
    select
        golden_id,
        field,
        arg_min_null(value, position) as value,
        arg_min_null(source, position) as source,
        arg_min_null(source_record_id, position) as source_record_id,
        arg_min_null(status, position) as status,
        any_value(field_rule) as field_rule,
        cast(sum(frequency) as bigint) as candidates,
        count(*) = 1 as consensus
    from (
        select
            * replace (
                position + case when field_rule = 'most_frequent' then (1073741824 - frequency) * 1073741824 else 0 end
                as position
            )
        from value_groups
    )
    group by golden_id, field
),
computed as (
select
    golden_id,
    field,
    value,
    source,
    source_record_id,
    case
        when status not in ('ok', 'normalized') then 'invalid_only'
        when consensus then 'consensus'
        else field_rule
    end as rule,
    candidates
from ranked
union all
-- an entity of one record: its own values, nothing to rank (the rules above give the same).
-- Its own unpivot on purpose: one unpivot of all members shared by both branches made this
-- statement 7.6 s -> 9.1-10.6 s at 1M records (the ranks then join 2.2M values, not 440k members).
select
    golden_id, field, value, source, source_record_id,
    case when status not in ('ok', 'normalized') then 'invalid_only' else 'consensus' end,
    1
from (
    unpivot (
        select golden_id, source, source_record_id,
            customer_type, customer_type_status, name, name_status, gender, gender_status,
            birth_date, birth_date_status, id_number, id_number_status, company_name, company_name_status,
            credit_code, credit_code_status, mobile, mobile_status, phone, phone_status,
            email, email_status, province, province_status, city, city_status,
            district, district_status, address, address_status, owner, owner_status,
            given_name, given_name_status, family_name, family_name_status, postcode, postcode_status,
            identifier, identifier_status
        from golden_members
        where member_count = 1 and $single_fast_path
          and not (all_valid and golden_id not in (select golden_id from golden_overrides))
    )
    on (customer_type, customer_type_status) as customer_type, (name, name_status) as name,
       (gender, gender_status) as gender, (birth_date, birth_date_status) as birth_date,
       (id_number, id_number_status) as id_number, (company_name, company_name_status) as company_name,
       (credit_code, credit_code_status) as credit_code, (mobile, mobile_status) as mobile,
       (phone, phone_status) as phone, (email, email_status) as email,
       (province, province_status) as province, (city, city_status) as city,
       (district, district_status) as district, (address, address_status) as address,
       (owner, owner_status) as owner, (given_name, given_name_status) as given_name,
       (family_name, family_name_status) as family_name, (postcode, postcode_status) as postcode,
       (identifier, identifier_status) as identifier
    into name field value value, status
)
where value is not null
)
select c.* from computed as c
anti join golden_overrides as o on o.golden_id = c.golden_id and o.field = c.field
union all
select * from golden_overrides;
