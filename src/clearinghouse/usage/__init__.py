"""Usage in: platforms and licensees report plays and copies; the reports are read, checked per
line and landed in the usage lake (Parquet, partitioned by period and reporter).

- `records`: the one shape of a usage line and of a rejected line (the lake's schema);
- `lake`: where lake files live and how one lands atomically;
- `formats/`: one reader per input format (aggregated CSV / JSON Lines, DDEX DSR, society
  statements, event logs), each turning a file into usage lines and rejections;
- `cleaning/`: event logs cleaned (bots, impossible watch times, bursts) and aggregated;
- the report's table, service, job, API and CLI.
"""
