-- The counts of the latest validated date before $snapshot_date (every rule's row).
select snapshot_date, rule_id, fingerprint, partition_rows, cast(partition_checksum as varchar) as partition_checksum,
       element_count, evaluated, failed
from quality.rule_counts
where snapshot_date = (
    select max(snapshot_date) from quality.rule_counts where snapshot_date < cast($snapshot_date as date)
);
