"""Daily snapshot partitions: key YYYY-MM-DD = the snapshot date of the exports.

end_offset=1 makes today's partition available, so a file exported today can be processed today.
"""

import dagster as dg

PARTITIONS_START = "2020-01-01"

daily_snapshots = dg.DailyPartitionsDefinition(start_date=PARTITIONS_START, end_offset=1)
