"""The royalty pipeline, written once with Ibis and run on DuckDB (embedded, the default) or on
Apache Spark (local or a cluster):

- `engine`: an Ibis backend by name, and the two things that differ between engines (reading
  Parquet files, handing results back as Arrow);
- `repository` + `inputs`: what matching needs from the SQL database, exported as Parquet;
- `match`: usage lines → matched / unlicensed / unmatched (`royalties.contracts`);
- `run`: one period's landed usage files through `match`, the outcomes written to the lake.
"""
