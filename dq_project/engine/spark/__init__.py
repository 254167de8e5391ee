"""The Spark engine (`[engine] kind = "spark"`): sessions, the Parquet lake, and the stages that run
on Spark with the library that owns them (Polars normalizers through mapInArrow, GX's Spark engine,
Splink's SparkAPI). Needs `pip install dq[spark]` and a Java 17+ runtime; see docs/spark.md."""
