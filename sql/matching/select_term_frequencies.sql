-- Template (dq_project.matching.incremental): Splink's term-frequency table of column {column} over
-- the cached records of a customer type (as Splink computes it over a full run's input), for the
-- values held by the records of `scoring_features` only.
select {column}, cast(count(*) as double) / any_value(total) as tf_{column}
from matching.features, (
    select count({column}) as total from matching.features where customer_type = $customer_type
)
where customer_type = $customer_type and {column} is not null
  and {column} in (select {column} from scoring_features)
group by {column};
