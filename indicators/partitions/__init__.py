"""The events table on PostgreSQL: range-partitioned by month of ``occurred_at`` (UTC months).

``months`` names and bounds the partitions (pure), ``maintenance`` keeps them (created ahead by
beat, back-dated events moved out of the default partition, months past retention dropped), and
``online`` converts the table between plain and partitioned while ingestion runs.
"""
